import Foundation
import MedadSupport
import MedadVolumes
import Testing

@Suite struct PreprocessTests {
    func volume(_ dims: [Int], _ value: (Int, Int, Int) -> Float) -> Volume {
        var out = Volume(dims: dims, filledWith: 0)
        for z in 0..<dims[2] { for y in 0..<dims[1] { for x in 0..<dims[0] { out.voxels[out.index(x, y, z)] = value(x, y, z) } } }
        return out
    }

    @Test func resamplingALinearRampIsExact() {
        let ramp = volume([5, 4, 3]) { x, y, z in Float(2 * x + 3 * y - z + 1) }
        let out = Preprocess.resample(ramp, to: [9, 7, 5])
        #expect(out.dims == [9, 7, 5] && out.spacing == [0.5, 0.5, 0.5])
        for z in 0..<5 { for y in 0..<7 { for x in 0..<9 {
            let expected = 2 * (Float(x) * 0.5) + 3 * (Float(y) * 0.5) - Float(z) * 0.5 + 1
            #expect(abs(out.voxels[out.index(x, y, z)] - expected) < 1e-5)
        } } }
        let down = Preprocess.resample(ramp, to: [3, 4, 2])
        #expect(down.voxels[down.index(1, 2, 1)] == Float(2 * 2 + 3 * 2 - 2 + 1))
    }

    @Test func nearestResamplingKeepsLabelValues() {
        let labels = volume([4, 4, 4]) { x, y, _ in Float((x + y) % 3) }
        let out = Preprocess.resample(labels, to: [7, 5, 3], interpolation: .nearest)
        #expect(Set(out.voxels).isSubset(of: [0, 1, 2]))
        #expect(out.voxels[out.index(6, 4, 2)] == labels.voxels[labels.index(3, 3, 3)])
    }

    @Test func percentilesMatchNumpyLinear() {
        let values = (1...100).map(Float.init)
        #expect(Preprocess.percentile(values.reversed(), 50) == 50.5)
        #expect(Preprocess.percentile(values, 25) == 25.75)
        #expect(Preprocess.percentile(values, 0) == 1 && Preprocess.percentile(values, 100) == 100)
        #expect(Preprocess.percentile([Float](repeating: 3, count: 7), 40) == 3)
    }

    @Test func percentileNormalisationClipsAndScalesToUnitRange() {
        let ramp = volume([10, 10, 10]) { x, y, z in Float(x + 10 * y + 100 * z) }   // 0...999
        let out = Preprocess.normalizePercentiles(ramp, low: 1, high: 99)
        #expect(out.voxels.min() == 0 && out.voxels.max() == 1)
        // p1 = 9.99 and p99 = 989.01: everything at or below 9 is clipped to 0.
        #expect(out.voxels[0..<10].allSatisfy { $0 == 0 })
        #expect(abs(out.voxels[500] - (500 - 9.99) / (989.01 - 9.99)) < 1e-5)
    }

    @Test func zScoreUsesTheMaskOnly() {
        let image = volume([4, 4, 2]) { x, _, z in z == 0 ? Float(x) : 100 }
        let mask = volume([4, 4, 2]) { _, _, z in z == 0 ? 1 : 0 }
        let out = Preprocess.zScore(image, mask: mask)
        let inside = Array(out.voxels[0..<16])
        let mean = inside.reduce(0, +) / 16
        let variance = inside.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 16
        #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5)
        #expect(out.voxels[16...].allSatisfy { $0 == 0 })
        #expect(abs(out.voxels[3] - 1.5 / Float(1.25).squareRoot()) < 1e-5)   // x = 3: (3 − 1.5) / √1.25
    }

    @Test func foregroundCropFindsTheBox() {
        let image = volume([8, 6, 7]) { x, y, z in (2...4).contains(x) && (1...3).contains(y) && (3...5).contains(z) ? 5 : 0.01 }
        let mask = Preprocess.foregroundMask(image, smoothing: 0)
        #expect(mask.voxels.reduce(0, +) == 27)
        let box = Preprocess.boundingBox(of: mask)
        #expect(box?.lower == [2, 1, 3] && box?.upper == [5, 4, 6])
        #expect(Preprocess.boundingBox(of: mask, margin: 2)?.upper == [7, 6, 7])
        let (cropped, croppedMask) = Preprocess.cropToForeground(image, mask: mask)
        #expect(cropped.dims == [3, 3, 3] && cropped.voxels.allSatisfy { $0 == 5 } && croppedMask.voxels.allSatisfy { $0 == 1 })
        #expect(Preprocess.boundingBox(of: Volume(dims: [2, 2, 2], filledWith: 0)) == nil)
    }

    @Test func foregroundOfAPhantomIsTheHead() {
        let (image, labels) = Phantom.brain(size: 48, seed: 2, index: 0)
        let mask = Preprocess.foregroundMask(image)
        let pairs = zip(mask.voxels, labels.voxels)
        // Every head voxel (dark skull included) is kept; smoothing may add up to two voxel layers,
        // measured by the layer of background voxels touching the head.
        #expect(pairs.filter { $0 == 0 && $1 != 0 }.count == 0)
        let extra = pairs.filter { $0 != 0 && $1 == 0 }.count
        let n = labels.dims[0]
        let layer = labels.voxels.indices.filter { i in
            let (x, y, z) = (i % n, i / n % n, i / (n * n))
            return labels.voxels[i] == 0 && [(x > 0, -1), (x < n - 1, 1), (y > 0, -n), (y < n - 1, n), (z > 0, -n * n), (z < n - 1, n * n)]
                .contains { inside, step in inside && labels.voxels[i + step] != 0 }
        }.count
        #expect(extra < 2 * layer, "\(extra) voxels beyond a head whose outer layer has \(layer)")
    }

    @Test func headMaskKeepsTheLargestSolidRegion() {
        // A 12³ blob with a dark 2³ core, a separate 2³ speck, and Rician-like background noise.
        var random = SeededRandom(seed: 5)
        let image = volume([20, 20, 20]) { x, y, z in
            let inBlob = (4...15).contains(x) && (4...15).contains(y) && (4...15).contains(z)
            let core = (9...10).contains(x) && (9...10).contains(y) && (9...10).contains(z)
            let speck = x >= 17 && y >= 17 && z >= 17
            return (inBlob && !core) || speck ? 1 : Float(0.03 * abs(random.nextNormal())) + 0.001
        }
        let mask = Preprocess.headMask(image)
        #expect(mask.voxels[mask.index(9, 9, 9)] == 1, "the dark core is enclosed and filled")
        #expect(mask.voxels[mask.index(18, 18, 18)] == 0, "the speck is another component")
        #expect(mask.voxels[mask.index(1, 1, 1)] == 0)
        let count = Int(mask.voxels.reduce(0, +))
        #expect((12 * 12 * 12)...(14 * 14 * 14) ~= count, "\(count) voxels for a 12³ blob")
    }

    @Test func headMaskOfAPhantomCoversItsBrainAndNotTheAir() {
        let (image, labels) = Phantom.brain(size: 40, seed: 3, index: 1)
        let mask = Preprocess.headMask(image)
        let brain = Phantom.brainMask(labels)
        let brainMissed = (0..<image.count).filter { brain[$0] == 1 && mask.voxels[$0] == 0 }.count
        let air = (0..<image.count).filter { labels.voxels[$0] == 0 && mask.voxels[$0] == 1 }.count
        #expect(brainMissed == 0)
        // Only the partial-volume rim of the head (labelled background, brighter than the threshold) is extra.
        #expect(Double(air) < 0.08 * Double(mask.voxels.reduce(0, +)), "\(air) background voxels in the head mask")
    }

    @Test func holesOfASliceAreFilledInPlane() {
        let ring = volume([9, 9, 1]) { x, y, _ in max(abs(x - 4), abs(y - 4)) == 3 ? 1 : 0 }
        let filled = Preprocess.filledHolesInPlane(ring)
        #expect(filled.voxels.reduce(0, +) == 49)
        #expect(Preprocess.filledHoles(ring).voxels.reduce(0, +) == 24, "a depth-1 volume is all border in 3D")
    }

    @Test func enclosedBackgroundIsFilled() {
        let shell = volume([7, 7, 7]) { x, y, z in max(abs(x - 3), abs(y - 3), abs(z - 3)) == 2 ? 1 : 0 }
        let filled = Preprocess.filledHoles(shell)
        #expect(filled.voxels.reduce(0, +) == 125)   // the 5³ cube: shell plus its 3³ inside
        #expect(filled.voxels[filled.index(3, 3, 3)] == 1 && filled.voxels[0] == 0)
    }

    @Test func gaussianMatchesTheKernelAndKeepsConstants() {
        // 15³: every voxel the kernel reaches is far enough from the border to see the whole kernel.
        var impulse = Volume(dims: [15, 15, 15], filledWith: 0)
        impulse.voxels[impulse.index(7, 7, 7)] = 1
        let smoothed = Preprocess.denoise(impulse, .gaussian(sigma: 1))
        let weights = (-3...3).map { Float(exp(-0.5 * Double($0 * $0))) }
        let total = weights.reduce(0, +)
        let centre = weights[3] / total, side = weights[4] / total
        #expect(abs(smoothed.voxels[smoothed.index(7, 7, 7)] - centre * centre * centre) < 1e-6)
        #expect(abs(smoothed.voxels[smoothed.index(8, 7, 7)] - side * centre * centre) < 1e-6)
        #expect(abs(smoothed.voxels.reduce(0, +) - 1) < 1e-5)
        let constant = Preprocess.denoise(Volume(dims: [5, 4, 3], filledWith: 2), .gaussian(sigma: 1.5))
        #expect(constant.voxels.allSatisfy { abs($0 - 2) < 1e-5 })
    }

    @Test func medianRemovesSaltAndKeepsRamps() {
        var image = volume([6, 6, 6]) { x, _, _ in Float(x) }
        image.voxels[image.index(3, 3, 3)] = 1000
        let out = Preprocess.denoise(image, .median(radius: 1))
        #expect(out.voxels[out.index(3, 3, 3)] == 3)
        #expect(out.voxels[out.index(2, 2, 2)] == 2)
    }
}
