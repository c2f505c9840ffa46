import MedadMetrics
import MedadNN
import MedadSupport
import MedadTensor
import MedadVolumes

/// The validation cases as slices at model resolution (volumes at size³ for volumetric backbones),
/// for model selection during training: pooled pixel AP over all validation voxels and sample AUROC
/// of the volumes (volume score = max of its slices' or tiles' image scores). The selection score is
/// the mean of the two (of whichever is defined).
struct ValidationSet {
    let size: Int
    let batch: Int
    /// How volumetric backbones score a whole size³ volume; nil for slices.
    let window: SlidingWindow?
    var images: [Float] = []
    var masks: [Bool] = []
    var positions: [Float] = []
    /// Volume index of each slice (each volume, in 3D), and each volume's label.
    var owner: [Int] = []
    var labels: [Bool] = []

    init(volumes: [EvaluationVolume], config run: RunConfig) {
        (size, batch) = (run.data.size, run.eval.batch)
        window = run.slidingWindow
        let axis = run.data.axis
        for (v, volume) in volumes.enumerated() {
            labels.append(volume.label == 1)
            if window != nil {
                let grid = [size, size, size]
                images += VolumeGeometry.resampled(volume.image, grid, nearest: false)
                masks += VolumeGeometry.resampled(volume.mask, grid, nearest: true).map { $0 > 0.5 }
                positions.append(0.5)
                owner.append(v)
                continue
            }
            let depth = max(1, volume.image.dims[axis] - 1)
            for (index, slice) in Slicing.slices(volume.image, axis: axis, threshold: 0.05, minForeground: 0.01) {
                images += SliceGeometry.resampled(slice, size, nearest: false)
                masks += SliceGeometry.resampled(Slicing.slice(volume.mask, axis: axis, index: index), size, nearest: true).map { $0 > 0.5 }
                positions.append(volume.image.dims[axis] > 1 ? Float(index) / Float(depth) : 0.5)
                owner.append(v)
            }
        }
    }

    var sliceCount: Int { owner.count }

    /// Raw maps and image scores of every slice (volume), in eval mode without gradients.
    func scores(_ model: ScoringModel) -> (maps: [Float], images: [Float]) {
        let pixels = size * size
        var maps: [Float] = [], imageScores: [Float] = []
        maps.reserveCapacity(images.count)
        model.eval()
        defer { model.train() }
        if let window {
            let voxels = size * size * size
            for v in 0..<sliceCount {
                let scored = window.scores(Array(images[(v * voxels)..<((v + 1) * voxels)]), model: model)
                maps += scored.map
                imageScores.append(scored.best)
            }
            return (maps, imageScores)
        }
        withNoGrad {
            for start in stride(from: 0, to: sliceCount, by: batch) {
                let end = min(sliceCount, start + batch)
                let input = Tensor(shape: [end - start, 1, size, size], values: Array(images[(start * pixels)..<(end * pixels)]))
                let scored = model.score(input, positions: Array(positions[start..<end]))
                maps += scored.maps
                imageScores += scored.images
            }
        }
        return (maps, imageScores)
    }

    func evaluate(_ model: ScoringModel) throws -> (score: Double, metrics: [String: Double]) {
        let scored = scores(model)
        var volumeScores = [Double](repeating: -.infinity, count: labels.count)
        for (i, v) in owner.enumerated() { volumeScores[v] = max(volumeScores[v], Double(scored.images[i])) }
        var metrics: [String: Double] = [:]
        if let bad = scored.maps.firstIndex(where: { !$0.isFinite }) {
            throw MedadError("validation: voxel score \(bad) is \(scored.maps[bad]); the model diverged")
        }
        if masks.contains(true) {
            let pixel = try RankedScores(scores: scored.maps.map(Double.init), labels: masks).counts()
            metrics["val_pixel_ap"] = pixel.averagePrecision.number
        }
        if labels.contains(true) && labels.contains(false) {
            let sample = try RankedScores(scores: volumeScores.map { $0.isFinite ? $0 : 0 }, labels: labels).counts()
            metrics["val_sample_auroc"] = sample.auroc.number
        }
        let defined = Array(metrics.values)
        return (defined.isEmpty ? 0 : defined.reduce(0, +) / Double(defined.count), metrics)
    }
}
