// Self-supervised synthetic-anomaly segmentation, the family behind MOOD's strongest entries:
// J. Tan et al., "Detecting Outliers with Foreign Patch Interpolation", MELBA 2022 (FPI);
// J. Tan et al., "Detecting Outliers with Poisson Image Interpolation", MICCAI 2021 (PII);
// H. M. Schlüter et al., "Natural Synthetic Anomalies for Self-Supervised Anomaly Detection and
// Localization", ECCV 2022 (NSA).
// `trim_pool` refines a contaminated pool as J. Yoon et al., "Self-Supervise, Refine, Repeat", TMLR 2022,
// and X. Jiang et al., "SoftPatch", NeurIPS 2022, do (C. Qiu et al., "Latent Outlier Exposure", ICML
// 2022, call it the refine baseline): the assumed-normal data the model finds least normal are left
// out of training.
import MedadSupport
import MedadTensor

/// `synth`: the decoder is trained as a pixel-wise anomaly predictor (BCE + soft Dice) on synthetic
/// anomalies of `data.generators` pasted into pool slices (assumed normal; labels ignored). With
/// `trim_pool` > 0 the batch's highest-scored assumed-normal pixels are left out of both loss terms, so
/// that the pool's own anomalies are not taught as normal once the network finds them foreign.
final class SyntheticSegmentationObjective: ObjectiveBase<MapModel, SyntheticSegmentationMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        var batch = context.sampler.batch()
        try context.sampler.normals(context.config.train.batch, anomalyRate: 0.5, into: &batch, &rng)
        let diceWeight = Float(method.segmentation.diceWeight)
        let logits = net.logits(batch.imageTensor), targets = batch.targetTensor
        guard method.trimPool > 0 else { return SegmentationLoss.bceDice(logits, targets, diceWeight: diceWeight) }
        let kept = PoolTrimming.kept(scores: logits, targets: targets, share: method.trimPool)
        return SegmentationLoss.bceDice(logits, targets, diceWeight: diceWeight, kept: kept)
    }
}
