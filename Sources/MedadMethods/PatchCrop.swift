import MedadSupport
import MedadVolumes

/// Random patches of a pool of equally sized volumes, for volumetric training. A patch is placed so
/// that a chosen voxel lies in its middle half: a random revealed lesion voxel when asked (so labelled
/// anomalies are seen, as nnU-Net oversamples foreground), otherwise a random tissue voxel, since
/// patches of background teach nothing about the brain.
package struct PatchCrop {
    /// Volume and patch dims, x fastest.
    let volume: [Int]
    let patch: [Int]
    /// The revealed lesion voxels of every pool volume (empty without a mask), by pool index.
    package let lesions: [[Int]]

    package init(volume: [Int], patch: [Int], pool: [TrainingSlice]) {
        precondition(zip(volume, patch).allSatisfy { $1 <= $0 }, "patch \(patch) does not fit volumes \(volume)")
        self.volume = volume
        self.patch = patch
        lesions = pool.map { entry in entry.mask.map { mask in mask.indices.filter { mask[$0] > 0.5 } } ?? [] }
    }

    /// A patch of `entry` around a random voxel of `lesion` (when given and not empty) or of its tissue.
    package func cut(_ entry: TrainingSlice, lesion: [Int]?, _ rng: inout SeededRandom) -> TrainingSlice {
        let centre = lesion.flatMap { $0.isEmpty ? nil : $0[rng.nextInt($0.count)] } ?? tissueVoxel(entry.brain, &rng)
        var rest = centre
        let origin = (0..<3).map { axis -> Int in
            let coordinate = rest % volume[axis]
            rest /= volume[axis]
            let offset = patch[axis] / 4 + rng.nextInt(max(1, patch[axis] / 2))
            return min(max(0, coordinate - offset), volume[axis] - patch[axis])
        }
        func copy<T>(_ values: [T]) -> [T] { Preprocess.crop(values, dims: volume, lower: origin, extent: patch) }
        let mask = entry.mask.map(copy)
        var label = entry.label
        if label == 1, let mask { label = mask.contains { $0 > 0.5 } ? 1 : 0 }
        return TrainingSlice(image: copy(entry.image), position: entry.position, label: label, mask: mask,
                             inAnomalousVolume: entry.inAnomalousVolume, brain: copy(entry.brain))
    }

    /// A random voxel of the brain mask, found by rejection (tissue fills a good part of every brain
    /// volume, so a list of its voxels per pool volume would cost memory for nothing); any voxel when
    /// 1024 draws miss.
    private func tissueVoxel(_ brain: [UInt8], _ rng: inout SeededRandom) -> Int {
        for _ in 0..<1024 {
            let voxel = rng.nextInt(brain.count)
            if brain[voxel] != 0 { return voxel }
        }
        return rng.nextInt(brain.count)
    }
}
