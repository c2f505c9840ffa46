// Self-supervised synthetic-anomaly segmentation, the family behind MOOD's strongest entries:
// J. Tan et al., "Detecting Outliers with Foreign Patch Interpolation", MELBA 2022 (FPI);
// J. Tan et al., "Detecting Outliers with Poisson Image Interpolation", MICCAI 2021 (PII);
// H. M. Schlüter et al., "Natural Synthetic Anomalies for Self-Supervised Anomaly Detection and
// Localization", ECCV 2022 (NSA).
import MedadSupport
import MedadTensor

/// `synth`: the decoder is trained as a pixel-wise anomaly predictor (BCE + soft Dice) on synthetic
/// anomalies of `data.generators` pasted into pool slices (assumed normal; labels ignored).
final class SyntheticSegmentationObjective: ObjectiveBase<MapModel, SyntheticSegmentationMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        var batch = context.sampler.batch()
        try context.sampler.normals(context.config.train.batch, anomalyRate: 0.5, into: &batch, &rng)
        return SegmentationLoss.bceDice(net, on: batch, diceWeight: method.segmentation.diceWeight)
    }
}
