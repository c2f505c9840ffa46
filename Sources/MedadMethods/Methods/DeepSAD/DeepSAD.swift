// Deep SAD: L. Ruff et al., "Deep Semi-Supervised Anomaly Detection", ICLR 2020, applied per cell of the
// encoder's feature grid as in fully convolutional one-class models (P. Liznerski et al., "Explainable
// Deep One-Class Classification", ICLR 2021; J. Yi, S. Yoon, "Patch SVDD", ACCV 2020).
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo

/// `deepsad` model: the backbone's encoder and the hypersphere centre c. Every cell of the deepest
/// feature grid ([B, C, S/8, S/8]) is one embedding: its distance ‖φ − c‖² is the voxel score of the 8 × 8 pixels it
/// covers (upsampled), and the image score is the largest cell distance. On phantoms the distance of
/// the globally pooled embedding, Ruff et al.'s image-level form, stayed at chance: a local anomaly
/// moves one cell's features but barely their average.
final class DeepSADModel: Module, ScoringModel {
    @Key("encoder") private(set) var encoder: PyramidEncoder
    /// c [C] and whether it has been set; saved with the weights, never trained.
    @Key("center") private(set) var center: Tensor
    @Key("centerReady") private(set) var centerReady: Tensor

    init(_ run: RunConfig, rng: inout SeededRandom) {
        super.init()
        encoder = run.backbone.makeEncoder(run.backboneOptions, rng: &rng)
        center = Tensor(shape: [encoder.deepest.channels], repeating: 0)
        centerReady = Tensor(shape: [1], repeating: 0)
        center.requiresGrad = false
        centerReady.requiresGrad = false
    }

    /// Squared distance of every cell's embedding to c: [B, 1, S/8, S/8].
    func cellDistances(_ images: Tensor) -> Tensor {
        (deepestFeatures(images) - center.reshaped([1, center.count, 1, 1])).square().sum(axes: [1], keepDims: true)
    }

    private func deepestFeatures(_ images: Tensor) -> Tensor {
        encoder.features(images).last!.tensor
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let cells = cellDistances(images)
        var upsampled = cells
        while upsampled.shape[2] < images.shape[2] { upsampled = upsampleNearest2x(upsampled) }
        // A top fraction of 0 keeps one cell per image: the largest distance.
        return (upsampled.values, TopK.mean(cells.values, batch: images.shape[0], fraction: 0))
    }

    /// c = mean cell embedding of `images` (Ruff et al.: an initial forward pass), with coordinates near 0
    /// pushed to ±0.1 so that the trivial all-zero features cannot reach the centre.
    func setCenter(_ images: Tensor) {
        let mean = withNoGrad { deepestFeatures(images).mean(axes: [0, 2, 3]) }
        let values = mean.values.map { abs($0) < 0.1 ? ($0 < 0 ? -0.1 : 0.1) : $0 }
        center.withMutableBuffer { for i in 0..<$0.count { $0[i] = values[i] } }
        centerReady.withMutableBuffer { $0[0] = 1 }
    }
}

/// Deep SAD loss per cell: unlabelled cells ‖φ − c‖², labelled normal cells η‖φ − c‖², and η / ‖φ − c‖²
/// for the cells an anomaly covers (revealed anomalies with their masks, transplanted into pool slices,
/// and, with `synthetic`, synthetic anomalies); the other cells of an anomalous slice count as labelled normal.
final class DeepSADObjective: ObjectiveBase<DeepSADModel, DeepSADMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        let size = context.config.train.batch, eta = Float(method.eta)
        if net.centerReady.values[0] == 0 {
            var first = context.sampler.batch()
            var centerRandom = SeededRandom(seed: context.config.seed).split(13)
            try context.sampler.normals(64, anomalyRate: 0, into: &first, &centerRandom)
            net.eval()
            net.setCenter(first.imageTensor)
            net.train()
        }
        var batch = context.sampler.batch()
        try context.sampler.normals(max(1, size / 2), anomalyRate: 0, into: &batch, &rng)
        context.sampler.transplantedAnomalies(size / 4, into: &batch, &rng)
        if method.synthetic && batch.count < size {
            try context.sampler.normals(size - batch.count, anomalyRate: 1, into: &batch, &rng)
        }
        let distance = net.cellDistances(batch.imageTensor)
        // A cell is anomalous when any pixel of its 8 × 8 block is in the target mask.
        let cellSide = net.encoder.deepest.stride
        let anomalous = maxPool2d(batch.targetTensor, kernel: cellSide, stride: cellSide).values
        let cells = anomalous.count / batch.count
        var pull = [Float](repeating: 0, count: anomalous.count), push = pull
        for b in 0..<batch.count {
            for i in (b * cells)..<((b + 1) * cells) {
                if anomalous[i] > 0.5 { push[i] = eta } else { pull[i] = batch.unlabelled[b] ? 1 : eta }
            }
        }
        let pullWeights = Tensor(shape: distance.shape, values: pull), pushWeights = Tensor(shape: distance.shape, values: push)
        return (pullWeights * distance + pushWeights / (distance + 1e-6)).mean()
    }
}
