import Foundation
import MedadAnomalies
import MedadConfig
import MedadSupport
import MedadVolumes

/// A training slice at model resolution with what the pool reveals about it; with a volumetric
/// backbone, a whole volume at size³ instead (the sampler cuts patches from it).
package struct TrainingSlice {
    /// size × size (size³) intensities, x fastest.
    package var image: [Float]
    /// Slice index along the axis over the volume's depth, in [0, 1].
    package var position: Float
    /// Slice label: 0 normal, 1 anomalous, nil unknown (unlabelled, or an anomalous volume without its mask).
    package var label: Int?
    /// Revealed voxel mask (0/1) at model resolution.
    package var mask: [Float]?
    /// A slice of a volume revealed as anomalous whose mask is not revealed: which of its slices hold the
    /// anomaly is unknown, so it is neither a labelled anomaly nor an assumed normal.
    package var inAnomalousVolume: Bool
    /// Brain mask (0/1) at model resolution: where synthetic anomalies may be placed, and the voxels
    /// `intensity`'s global reference is fitted on.
    package var brain: [UInt8]

    package init(image: [Float], position: Float, label: Int?, mask: [Float]?, inAnomalousVolume: Bool = false, brain: [UInt8]) {
        self.image = image
        self.position = position
        self.label = label
        self.mask = mask
        self.inAnomalousVolume = inAnomalousVolume
        self.brain = brain
    }

    /// Unlabelled or revealed normal: what every method treats as normal.
    var assumedNormal: Bool { label != 1 && !inAnomalousVolume }
}

/// An evaluation volume (validation or test case) with its voxel mask.
struct EvaluationVolume {
    var name: String
    var image: Volume
    /// 0/1 voxels; all zeros for a normal case.
    var mask: Volume
    /// 0/1 brain (or head) mask: the region `eval.postprocess.mask` keeps.
    var brain: Volume
    var label: Int { mask.voxels.contains { $0 > 0.5 } ? 1 : 0 }
    var type: AnomalyType?
    var seen: Bool?
}

/// Everything a run trains and evaluates on, built identically for every method of a config:
/// the split manifest, the training pool as slices in memory, and the evaluation cases.
/// Memory bound: the pool is held as slices at model resolution, at most `maxPoolBytes`; test cases
/// are built one at a time.
final class RunData {
    static let maxPoolBytes = 1 << 30
    let config: RunConfig
    let manifest: JSONValue
    let manifestHash: String
    let train: [TrainingSlice]
    let validation: [EvaluationVolume]
    let testNames: [String]
    private let loadTest: (Int) throws -> EvaluationVolume

    /// Builds the data; without `includeTraining` the pool stays empty (evaluation needs none).
    init(config: RunConfig, source: String, includeTraining: Bool) throws {
        self.config = config
        switch config.data.source {
        case .phantom:
            let phantom = try PhantomData(config: config)
            manifest = try phantom.manifestJSON
            manifestHash = phantom.manifest.hash
            train = includeTraining ? try phantom.trainingSlices() : []
            validation = try phantom.manifest.validation.map { try phantom.volume(of: $0) }
            testNames = phantom.manifest.test.map { PhantomData.caseName($0) }
            let cases = phantom.manifest.test
            loadTest = { try phantom.volume(of: cases[$0]) }
        case .folders:
            let folders = try FolderData(config: config, source: source)
            manifest = folders.manifest
            manifestHash = StableHash.hex(folders.manifest.canonical)
            train = includeTraining ? try folders.trainingSlices() : []
            validation = try folders.validation()
            testNames = folders.test.map(\.name)
            loadTest = { try folders.volume(of: folders.test[$0]) }
        }
        guard !includeTraining || !train.isEmpty else { throw MedadError("\(source): data: the training pool holds no slice with tissue") }
        guard validation.contains(where: { $0.label == 0 }) else {
            throw MedadError("\(source): data: the validation set holds no normal case (needed for calibration)")
        }
    }

    func testCase(_ index: Int) throws -> EvaluationVolume { try loadTest(index) }

    /// The pool's training units at model resolution: its slices, or with a volumetric backbone the
    /// whole volume at size³; checked against the memory bound.
    static func samples(of volume: Volume, mask: Volume?, brain: Volume, label: Int?, config: DataConfig,
                        into pool: inout [TrainingSlice]) throws {
        guard config.dims == 3 else {
            return try slices(of: volume, mask: mask, brain: brain, label: label, config: config, into: &pool)
        }
        let grid = [config.size, config.size, config.size]
        let resampledMask = mask.map { VolumeGeometry.resampled($0, grid, nearest: true) }
        pool.append(TrainingSlice(image: VolumeGeometry.resampled(volume, grid, nearest: false), position: 0.5,
                                  label: label, mask: resampledMask, inAnomalousVolume: label == 1 && resampledMask == nil,
                                  brain: VolumeGeometry.resampled(brain, grid, nearest: true).map { $0 > 0.5 ? 1 : 0 }))
        try checkPoolBound(pool, config)
    }

    private static func checkPoolBound(_ pool: [TrainingSlice], _ config: DataConfig) throws {
        let unit = config.dims == 3 ? config.size * config.size * config.size : config.size * config.size
        if pool.count * unit * 8 > maxPoolBytes {
            throw MedadError("data: the training pool exceeds \(maxPoolBytes >> 20) MB at data.size \(config.size); lower data.size or the number of subjects")
        }
    }

    private static func slices(of volume: Volume, mask: Volume?, brain: Volume, label: Int?, config: DataConfig,
                               into pool: inout [TrainingSlice]) throws {
        let kept = Slicing.slices(volume, axis: config.axis, threshold: 0.05, minForeground: config.minForeground)
        let depth = max(1, volume.dims[config.axis] - 1)
        for (index, slice) in kept {
            let maskSlice = mask.map { SliceGeometry.resampled(Slicing.slice($0, axis: config.axis, index: index), config.size, nearest: true) }
            var sliceLabel = label
            if label == 1 { sliceLabel = maskSlice.map { $0.contains { $0 > 0.5 } ? 1 : 0 } }
            let brainSlice = SliceGeometry.resampled(Slicing.slice(brain, axis: config.axis, index: index), config.size, nearest: true)
            pool.append(TrainingSlice(image: SliceGeometry.resampled(slice, config.size, nearest: false),
                                      position: volume.dims[config.axis] > 1 ? Float(index) / Float(depth) : 0.5,
                                      label: sliceLabel, mask: label == 1 ? maskSlice : nil,
                                      inAnomalousVolume: label == 1 && maskSlice == nil,
                                      brain: brainSlice.map { $0 > 0.5 ? 1 : 0 }))
            try checkPoolBound(pool, config)
        }
    }
}

/// Resampling between a volume's own grid and the model's size³ grid.
enum VolumeGeometry {
    static func resampled(_ volume: Volume, _ grid: [Int], nearest: Bool) -> [Float] {
        if volume.dims == grid { return volume.voxels }
        return Preprocess.resample(volume, to: grid, interpolation: nearest ? .nearest : .linear).voxels
    }
}

/// Resampling between a slice's own grid and the model's size × size grid.
enum SliceGeometry {
    /// A depth-1 volume resampled to size × size, as a flat array.
    static func resampled(_ slice: Volume, _ size: Int, nearest: Bool) -> [Float] {
        VolumeGeometry.resampled(slice, [size, size, 1], nearest: nearest)
    }

    /// A size × size map resampled back to a slice of `width` × `height`.
    static func restored(_ map: [Float], size: Int, width: Int, height: Int) -> [Float] {
        if width == size && height == size { return map }
        return Preprocess.resample(Volume(dims: [size, size, 1], voxels: map), to: [width, height, 1]).voxels
    }
}
