// Deep SAD: L. Ruff et al., "Deep Semi-Supervised Anomaly Detection", ICLR 2020.
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo

/// `deepsad` model: the backbone's encoder and the hypersphere centre c. Image score ‖φ(x) − c‖² of the
/// pooled embedding; voxel score: the same distance per feature-grid cell, upsampled to the slice
/// (an image-level method's localisation, for the pixel metrics).
final class DeepSADModel: Module, ScoringModel {
    let encoder: any ImageEncoder
    /// c [192] and whether it has been set; saved with the weights, never trained.
    let center: Tensor
    let centerReady: Tensor

    init(config: RunConfig, rng: inout SeededRandom) {
        encoder = config.backbone.makeEncoder(mambaScan: config.mambaScan, rng: &rng)
        center = Tensor(shape: [encoderChannels], repeating: 0)
        centerReady = Tensor(shape: [1], repeating: 0)
        center.requiresGrad = false
        centerReady.requiresGrad = false
    }

    private var c: Tensor { center.reshaped([1, encoderChannels, 1, 1]) }

    func distances(_ images: Tensor) -> (map: Tensor, image: Tensor) {
        let features = encoder(images)
        let map = (features - c).square().sum(axes: [1], keepDims: true)
        let pooled = globalAvgPool2d(features).reshaped([images.shape[0], encoderChannels])
        let image = (pooled - center.reshaped([1, encoderChannels])).square().sum(axes: [1])
        return (map, image)
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let (map, image) = distances(images)
        var upsampled = map
        while upsampled.shape[2] < images.shape[2] { upsampled = upsampleNearest2x(upsampled) }
        return (upsampled.values, image.values)
    }

    /// c = mean embedding of `images` (Ruff et al.: an initial forward pass), with coordinates near 0
    /// pushed to ±0.1 so that the trivial all-zero features cannot reach the centre.
    func setCenter(_ images: Tensor) {
        let pooled = withNoGrad { globalAvgPool2d(encoder(images)).reshaped([images.shape[0], encoderChannels]).mean(axes: [0]) }
        let values = pooled.values.map { abs($0) < 0.1 ? ($0 < 0 ? -0.1 : 0.1) : $0 }
        center.withMutableBuffer { for i in 0..<$0.count { $0[i] = values[i] } }
        centerReady.withMutableBuffer { $0[0] = 1 }
    }
}

/// Deep SAD loss: unlabelled ‖φ(x) − c‖², labelled normal η‖φ(x) − c‖², labelled anomalies
/// η / ‖φ(x) − c‖² — revealed anomalous slices and, with `synthetic`, synthetic anomalies.
final class DeepSADObjective: ObjectiveBase<DeepSADModel>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        let size = context.config.train.batch, eta = Float(context.config.method.eta)
        if net.centerReady.values[0] == 0 {
            var first = SliceBatch(size: context.config.data.size)
            var centerRandom = SeededRandom(seed: context.config.seed).split(13)
            try context.sampler.normals(64, anomalyRate: 0, into: &first, &centerRandom)
            net.eval()
            net.setCenter(first.imageTensor)
            net.train()
        }
        var batch = SliceBatch(size: context.config.data.size)
        try context.sampler.normals(max(1, size / 2), anomalyRate: 0, into: &batch, &rng)
        context.sampler.labelledAnomalies(size / 4, into: &batch, &rng)
        if context.config.method.synthetic && batch.count < size {
            try context.sampler.normals(size - batch.count, anomalyRate: 1, into: &batch, &rng)
        }
        let distance = net.distances(batch.imageTensor).image
        let weights = zip(batch.labels, batch.unlabelled).map { label, unlabelled -> (Float, Float) in
            label == 1 ? (0, eta) : (unlabelled ? 1 : eta, 0)
        }
        let pull = Tensor(shape: [batch.count], values: weights.map(\.0))
        let push = Tensor(shape: [batch.count], values: weights.map(\.1))
        return (pull * distance + push / (distance + 1e-6)).mean()
    }
}
