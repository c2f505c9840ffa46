import MedadVolumes
import Testing

@Suite struct AugmentationTests {
    let image = Phantom.brain(size: 24, seed: 1, index: 0)

    @Test func deterministicPerSeed() {
        let augmentation = Augmentation()
        let a = augmentation.apply(to: image.image, mask: image.labels, seed: 7)
        let b = augmentation.apply(to: image.image, mask: image.labels, seed: 7)
        let c = augmentation.apply(to: image.image, mask: image.labels, seed: 8)
        #expect(a.volume.voxels == b.volume.voxels && a.mask?.voxels == b.mask?.voxels)
        #expect(a.volume.voxels != c.volume.voxels)
        #expect(a.volume.voxels != image.image.voxels)
        #expect(Set(a.mask!.voxels).isSubset(of: Set(image.labels.voxels)))
    }

    @Test func noneIsTheIdentity() {
        let out = Augmentation.none.apply(to: image.image, mask: image.labels, seed: 3)
        #expect(out.volume.voxels == image.image.voxels && out.mask?.voxels == image.labels.voxels)
    }

    @Test func flipsAreExactMirrors() {
        var flipOnly = Augmentation.none
        flipOnly.flipAxes = [1]
        let v = image.image
        var mirrored = v
        for z in 0..<24 { for y in 0..<24 { for x in 0..<24 { mirrored.voxels[v.index(x, y, z)] = v.voxels[v.index(x, 23 - y, z)] } } }
        let outcomes = (0..<16).map { flipOnly.apply(to: v, seed: UInt64($0)).volume.voxels }
        #expect(outcomes.contains(mirrored.voxels) && outcomes.contains(v.voxels))
        #expect(outcomes.allSatisfy { $0 == mirrored.voxels || $0 == v.voxels })
    }

    @Test func scalingZoomsAboutTheCentre() {
        var zoom = Augmentation.none
        zoom.scaleRange = 2...2
        var ramp = Volume(dims: [9, 9, 9], filledWith: 0)
        for i in 0..<ramp.count { ramp.voxels[i] = Float(i % 9) }   // value = x
        let out = zoom.apply(to: ramp, seed: 0).volume
        // Twice as large: output x samples the input at 4 + (x − 4) / 2, exact for a linear ramp.
        for x in 0..<9 { #expect(out.voxels[out.index(x, 3, 5)] == 4 + Float(x - 4) / 2) }
    }

    @Test func gammaOnlyKeepsTheRangeAndOrder() {
        var gamma = Augmentation.none
        gamma.gammaRange = 0.5...0.6
        let ramp = Volume(dims: [11, 1, 1], voxels: (0...10).map { Float($0) })
        let out = gamma.apply(to: ramp, seed: 1).volume.voxels
        #expect(out.first == 0 && abs(out.last! - 10) < 1e-5)
        #expect(zip(out, ramp.voxels).dropFirst().dropLast().allSatisfy { $0 > $1 })   // gamma < 1 brightens
    }

    @Test func slicesStayInPlane() {
        let slice = Slicing.slice(image.image, axis: 2, index: 12)
        let out = Augmentation().apply(to: slice, seed: 5).volume
        #expect(out.dims == slice.dims && out.voxels != slice.voxels && out.voxels.allSatisfy(\.isFinite))
    }
}
