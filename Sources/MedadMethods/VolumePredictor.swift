import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadVolumes

/// How raw intensities become the model's input range before slicing.
public enum IntensityPreset: String, CaseIterable, Sendable {
    /// Clip to the 0.5th–99.5th percentiles of the foreground and scale to [0, 1] (brain MRI). Taken
    /// over the whole image, the share of background (and, in a slice, the lesion itself) would move them.
    case mriPercentile = "mri"
    /// Abdominal CT: the abdomen soft-tissue window W400/L40, Hounsfield units [−160, 240] scaled to [0, 1].
    case ctAbdomen = "ct"
    /// Already normalised (for example by `medad data folds`, per volume): used as it is.
    case none

    /// `foreground` (0/1, the image's dims) is where `mri` takes its percentiles; without it the head
    /// mask is estimated (`Preprocess.headMask`).
    public func apply(_ volume: Volume, foreground: Volume? = nil) -> Volume {
        switch self {
        case .mriPercentile:
            let mask = foreground ?? Preprocess.headMask(volume)
            return Preprocess.normalizePercentiles(volume, mask: mask.voxels.contains { $0 != 0 } ? mask : nil)
        case .ctAbdomen:
            return Preprocess.window(volume, .abdomenSoftTissue)
        case .none:
            return volume
        }
    }
}

/// A trained run ready for inference on whole volumes: slice-wise along the run's eval axis (or all
/// three, averaged), batched and without gradients. Raw scores are mapped into [0, 1] by the run's
/// validation calibration (see `Calibration`), and the voxel map is post-processed as the run's
/// `eval.postprocess` says (the volume score is not: it comes from the raw map).
public final class VolumePredictor {
    let inference: RawInference
    let calibration: Calibration
    /// The preset the run was trained with (`data.preset`).
    public let preset: IntensityPreset
    let postprocess: PostprocessConfig

    /// Volume-sized float32 arrays held at the peak of `predict`, the input's included (head mask,
    /// normalised input, score sum, map and its post-processed copy): `medad predict` on a 256³ input
    /// peaked 5.4 × 64 MiB above its baseline, rounded up.
    public static let workingCopies = 6

    init(model: ScoringModel, config: RunConfig, calibration: Calibration) {
        inference = RawInference(model: model, config: config)
        self.calibration = calibration
        preset = config.data.preset
        postprocess = config.eval.postprocess
    }

    /// Voxel anomaly map in [0, 1] with the input's dims and the volume score in [0, 1]. Without a
    /// given brain mask, `eval.postprocess.mask` keeps the input's estimated head mask
    /// (`Preprocess.headMask`, which the `mri` preset normalises over anyway).
    /// Memory: one volume's map plus one batch of slices.
    public func predict(_ volume: Volume, preset: IntensityPreset) throws -> (map: Volume, score: Double) {
        let head = postprocess.mask ? Preprocess.headMask(volume) : nil
        let raw = try inference.predict(preset.apply(volume, foreground: head))
        return (try voxelMap(raw.map, brain: head), calibration.volume(raw.score))
    }

    /// The voxel map the metrics and `predict` report: the raw map calibrated, then post-processed
    /// with `brain` as the mask.
    func voxelMap(_ raw: Volume, brain: Volume?) throws -> Volume {
        var map = raw
        map.voxels = raw.voxels.map { Float(calibration.voxel($0)) }
        return try Postprocessing.apply(postprocess, to: map, brain: brain, threshold: Calibration.operatingPoint)
    }
}

/// Inference of raw (uncalibrated) scores: slice-wise for 2D backbones; for volumetric ones by a
/// sliding window over the volume resampled to data.size³, the map resampled back.
struct RawInference {
    let model: ScoringModel
    let config: RunConfig

    /// Uncalibrated voxel scores and volume score of an already normalised volume.
    func predict(_ volume: Volume) throws -> (map: Volume, score: Double) {
        guard volume.dims.count == 3, volume.dims.allSatisfy({ $0 > 0 }) else {
            throw MedadError("predict: volume dims \(volume.dims) are not three positive sizes")
        }
        let raw = config.slidingWindow.map { volumetric(volume, window: $0) } ?? sliceWise(volume)
        let map = Volume(dims: volume.dims, spacing: volume.spacing, voxels: raw.map)
        if let bad = map.voxels.firstIndex(where: { !$0.isFinite }) {
            throw MedadError("predict: voxel score \(bad) is \(map.voxels[bad]); the model produced a non-finite score")
        }
        return (map, volumeScore(map.voxels, bestImage: raw.best))
    }

    /// The sliding window's map at data.size³, resampled (trilinearly) to the volume's grid.
    private func volumetric(_ volume: Volume, window: SlidingWindow) -> (map: [Float], best: Float) {
        let grid = [window.side, window.side, window.side]
        model.eval()
        defer { model.train() }
        let scored = window.scores(VolumeGeometry.resampled(volume, grid, nearest: false), model: model)
        return (VolumeGeometry.resampled(Volume(dims: grid, voxels: scored.map), volume.dims, nearest: false), scored.best)
    }

    private func sliceWise(_ volume: Volume) -> (map: [Float], best: Float) {
        let size = config.data.size, pixels = size * size
        let axes = config.eval.axis.map { [$0] } ?? [0, 1, 2]
        let usable = axes.filter { volume.dims[$0] > 1 || axes.count == 1 }
        var sum = [Float](repeating: 0, count: volume.count)
        var bestImage = -Float.infinity
        model.eval()
        defer { model.train() }
        for axis in usable.isEmpty ? [2] : usable {
            let depth = volume.dims[axis]
            for start in stride(from: 0, to: depth, by: config.eval.batch) {
                let indices = Array(start..<min(depth, start + config.eval.batch))
                let slices = indices.map { Slicing.slice(volume, axis: axis, index: $0) }
                var input = [Float]()
                input.reserveCapacity(indices.count * pixels)
                for slice in slices { input += SliceGeometry.resampled(slice, size, nearest: false) }
                let positions = indices.map { depth > 1 ? Float($0) / Float(depth - 1) : 0.5 }
                let scored = withNoGrad { model.score(Tensor(shape: [indices.count, 1, size, size], values: input), positions: positions) }
                bestImage = max(bestImage, scored.images.max() ?? bestImage)
                for (j, index) in indices.enumerated() {
                    let slice = slices[j]
                    let map = SliceGeometry.restored(Array(scored.maps[(j * pixels)..<((j + 1) * pixels)]), size: size,
                                                     width: slice.dims[0], height: slice.dims[1])
                    Self.add(map, into: &sum, volume: volume, axis: axis, index: index)
                }
            }
        }
        let share = 1 / Float(max(1, usable.count))
        return (sum.map { $0 * share }, bestImage)
    }

    private func volumeScore(_ voxels: [Float], bestImage: Float) -> Double {
        switch config.eval.volumeScore {
        case .max: return Double(voxels.max() ?? 0)
        case .head: return Double(bestImage)
        case .topQuantile:
            let threshold = Preprocess.percentile(voxels, config.eval.quantile * 100)
            var sum = 0.0, count = 0
            for v in voxels where v >= threshold { sum += Double(v); count += 1 }
            return count > 0 ? sum / Double(count) : Double(threshold)
        }
    }

    /// Adds a slice map (kept axes' order, as `Slicing.slice`) into the volume sum.
    private static func add(_ map: [Float], into sum: inout [Float], volume: Volume, axis: Int, index: Int) {
        let kept = (0..<3).filter { $0 != axis }
        let width = volume.dims[kept[0]]
        var position = [0, 0, 0]
        position[axis] = index
        sum.withUnsafeMutableBufferPointer { target in
            for v in 0..<volume.dims[kept[1]] {
                position[kept[1]] = v
                for u in 0..<width {
                    position[kept[0]] = u
                    target[volume.index(position[0], position[1], position[2])] += map[u + width * v]
                }
            }
        }
    }
}
