// Deviation networks: G. Pang, C. Shen, A. van den Hengel, "Deep Anomaly Detection with Deviation
// Networks", KDD 2019; top-k pooled score maps as in G. Pang et al., "Explainable Deep Few-shot
// Anomaly Detection with Deviation Networks", 2021.
import MedadSupport
import MedadTensor

/// `devnet`: the decoder outputs a raw anomaly score map whose top-k mean is the image score s.
/// Deviation loss against a N(0, 1) reference prior (μ_R = 0, σ_R = 1 exactly, instead of the paper's
/// 5,000 draws per batch): (1 − y)·|dev| + y·max(0, a − dev), dev = (s − μ_R)/σ_R. The pool counts
/// as normal (as in the paper); anomalies are the revealed anomalies (transplanted into pool slices) and,
/// with `synthetic`, synthetic anomalies of `data.generators`.
final class DeviationNetworkObjective: ObjectiveBase<MapModel, DeviationNetworkMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        let size = context.config.train.batch
        var batch = context.sampler.batch()
        try context.sampler.normals(max(1, size / 2), anomalyRate: 0, into: &batch, &rng)
        context.sampler.transplantedAnomalies(size / 4, into: &batch, &rng)
        if method.synthetic && batch.count < size {
            try context.sampler.normals(size - batch.count, anomalyRate: 1, into: &batch, &rng)
        }
        let deviation = TopK.mean(net.net(batch.imageTensor), fraction: method.topK)
        let labels = Tensor(shape: [batch.count], values: batch.labels)
        let normalTerm = (1 - labels) * deviation.abs()
        let anomalyTerm = labels * relu(Float(method.margin) - deviation)
        return (normalTerm + anomalyTerm).mean()
    }
}
