// A Gaussian of a trained network's features as a second anomaly read, as in
// K. Lee et al., "A Simple Unified Framework for Detecting Out-of-Distribution Samples and Adversarial
// Attacks", NeurIPS 2018 (Mahalanobis distance to the normal features), and T. Defard et al., "PaDiM:
// a Patch Distribution Modeling Framework for Anomaly Detection and Localization", ICPR Workshops 2021
// (per-pixel features, a shrunk covariance).
import MedadConfig
import MedadMetrics
import MedadNN
import MedadTensor

/// `synth` with `density: decoder` (or `auto`, when it validates): one Gaussian of the last decoder
/// stage's features (the C channels the output head reads, at full resolution) over every pixel of
/// assumed-normal pool slices that show brain, fitted once on the selected weights. A pixel's score is then z(logit) + z(distance), each
/// standardized by its mean and deviation over the fitted pixels, so neither read drowns the other.
/// Every pixel, not the brain's alone, because every pixel is scored: the volume score reads the top
/// of the whole map, and pixels the Gaussian never saw (background, the head around the brain) would
/// sit far from it in every volume, normal or not. Why: linear probes
/// (`medad probe`) find noise anomalies separable in features whose logits the head barely raises;
/// a distance to the normal features reads them without a label.
package final class FeatureDensity: Module {
    /// [C] mean and [C, C] whitening L⁻¹ of the covariance Σ + λI = L Lᵀ (never trained).
    @Key("mean") package private(set) var mean: Tensor
    @Key("whitening") package private(set) var whitening: Tensor
    /// [4]: mean and deviation of the logits, then of the distances, over the fitted pixels; deviations of
    /// 0 until fitted.
    @Key("reference") package private(set) var reference: Tensor

    /// λ = shrinkage · trace(Σ)/C: dead or collinear channels would otherwise make Σ singular.
    package static let shrinkage = 0.01
    /// Enough pixels for C ≤ 64 channels many times over; evenly spaced through the pool.
    static let fitSlices = 1024
    private static let batch = 32

    package init(channels: Int) {
        super.init()
        mean = Tensor(shape: [channels], repeating: 0)
        whitening = Tensor(shape: [channels, channels], repeating: 0)
        reference = Tensor(shape: [4], repeating: 0)
        for tensor in [mean, whitening, reference] { tensor.requiresGrad = false }
    }

    /// Until fitted (training's validations), or once discarded, the network's logits are read alone.
    package var isFitted: Bool { reference.values[1] > 0 && reference.values[3] > 0 }

    /// Back to the unfitted state, in which a checkpoint keeps it as zeros.
    package func discard() {
        for tensor in [mean, whitening, reference] { tensor.withMutableBuffer { $0.update(repeating: 0) } }
    }

    /// features [B, C, H, W] → Mahalanobis distances [B, 1, H, W].
    package func distances(_ features: Tensor) -> Tensor {
        let (b, c, h, w) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3])
        let centred = (features - mean.reshaped([1, c, 1, 1])).permuted([1, 0, 2, 3]).reshaped([c, b * h * w])
        return matmul(whitening, centred).square().sum(axes: [0]).sqrt().reshaped([b, 1, h, w])
    }

    /// z(logit) + z(distance) per pixel, [B, 1, H, W].
    package func scores(logits: Tensor, features: Tensor) -> Tensor {
        let r = reference.values
        return (logits - r[0]) / r[1] + (distances(features) - r[2]) / r[3]
    }

    /// Fits on every pixel of `slices` (side × side each): the Gaussian in one pass over `read`
    /// (images [B, 1, side, side] → logits and features), the standardization in a second.
    package func fit(_ slices: [TrainingSlice], side: Int, read: (Tensor) -> (logits: Tensor, features: Tensor)) {
        let c = mean.shape[0]
        let count = Double(slices.count * side * side)
        var sums = [Double](repeating: 0, count: c), scatter = [Double](repeating: 0, count: c * c)
        Self.batches(slices, side: side) { images in
            let features = read(images).features
            let columns = features.permuted([1, 0, 2, 3]).reshaped([c, features.count / c])
            for (k, value) in columns.sum(axes: [1]).values.enumerated() { sums[k] += Double(value) }
            for (k, value) in matmul(columns, columns, transposeB: true).values.enumerated() { scatter[k] += Double(value) }
        }
        var covariance = scatter, trace = 0.0
        for a in 0..<c {
            for b in 0..<c { covariance[a * c + b] = scatter[a * c + b] / count - sums[a] * sums[b] / (count * count) }
            trace += covariance[a * c + a]
        }
        let ridge = max(Self.shrinkage * trace / Double(c), Double.leastNormalMagnitude)
        for a in 0..<c { covariance[a * c + a] += ridge }
        mean.withMutableBuffer { m in for k in 0..<c { m[k] = Float(sums[k] / count) } }
        let inverse = Cholesky(covariance, d: c).inverseLower()
        whitening.withMutableBuffer { w in for k in 0..<(c * c) { w[k] = Float(inverse[k]) } }

        var moments = [Double](repeating: 0, count: 4)  // Σ logit, Σ logit², Σ distance, Σ distance²
        Self.batches(slices, side: side) { images in
            let pair = read(images)
            let distance = distances(pair.features)
            pair.logits.withBuffer { l in
                distance.withBuffer { d in
                    for i in 0..<l.count {
                        let (x, y) = (Double(l[i]), Double(d[i]))
                        moments[0] += x; moments[1] += x * x; moments[2] += y; moments[3] += y * y
                    }
                }
            }
        }
        reference.withMutableBuffer { r in
            for k in [0, 2] {
                let mu = moments[k] / count
                r[k] = Float(mu)
                r[k + 1] = Float(max(0, moments[k + 1] / count - mu * mu).squareRoot())
            }
        }
    }

    /// `slices` in batches of images [B, 1, side, side].
    private static func batches(_ slices: [TrainingSlice], side: Int, _ body: (Tensor) -> Void) {
        for start in stride(from: 0, to: slices.count, by: batch) {
            let chunk = slices[start..<min(slices.count, start + batch)]
            body(Tensor(shape: [chunk.count, 1, side, side], values: chunk.flatMap(\.image)))
        }
    }
}

extension MapModel {
    /// Fits `density` with the current weights on evenly spaced assumed-normal pool slices that show
    /// brain (those beyond the head add nothing but more background); the pool may hold unrevealed
    /// anomalies, a few pixels among millions.
    func fitDensity(pool: [TrainingSlice]) {
        guard let density, let first = pool.first else { return }
        let side = Int(Double(first.image.count).squareRoot().rounded())
        let candidates = pool.filter { $0.assumedNormal && $0.brain.contains(1) }
        let step = max(1, candidates.count / FeatureDensity.fitSlices)
        let chosen = Array(stride(from: 0, to: candidates.count, by: step).prefix(FeatureDensity.fitSlices).map { candidates[$0] })
        eval()
        defer { train() }
        withNoGrad { density.fit(chosen, side: side) { logitsAndFeatures($0) } }
    }

    /// `density: auto`: fits the density and keeps it only when the validation score that chose the
    /// weights (`ValidationSet.evaluate`) is higher with it than with the logits alone, the rule by which
    /// nnU-Net keeps a post-processing step (Isensee et al., Nature Methods 2021). Why: the density lifts
    /// some networks' pixel AP and costs others theirs (notebooks-md/zoo-6000-density.md), and the
    /// validation cases can tell which, where the test set must not. Returns both scores and the choice.
    func fitDensityIfItValidates(pool: [TrainingSlice], validation: ValidationSet) throws -> JSONValue? {
        guard let density else { return nil }
        density.discard()
        let without = try validation.evaluate(self).score
        fitDensity(pool: pool)
        // A density whose scores are not finite (a degenerate fit) loses to the logits, not the run.
        let with = (try? validation.evaluate(self).score) ?? -.infinity
        if with <= without { density.discard() }
        return .object(JSONObject([("density", .object(JSONObject([
            ("kept", .bool(with > without)), ("validation_with", with.isFinite ? .number(with) : .null),
            ("validation_without", .number(without)),
        ])))]))
    }
}
