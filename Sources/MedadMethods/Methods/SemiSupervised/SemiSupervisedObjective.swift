// `semi`, medad's annotation-efficient method for the open-set semi-supervised setting. Built from:
// synthetic-anomaly segmentation (J. Tan et al., FPI, MELBA 2022; H. M. Schlüter et al., NSA, ECCV 2022),
// mean teachers (A. Tarvainen, H. Valpola, NeurIPS 2017) with confidence-filtered pseudo-labels
// (K. Sohn et al., FixMatch, NeurIPS 2020), an intensity prior (M. Meissen et al., BrainLes 2021), and DevNet's top-k pooled image scores (G. Pang et al., KDD 2019).
import MedadSupport
import MedadTensor

/// `semi` (design and ablations in notebooks-md/report.md):
/// - `prior`: the logits are the network's plus a trained affine map of the global intensity z-score
///   (IntensityPrior.swift), so the one-line baseline is where training starts, not what it must rediscover;
/// - `synthetic`: half of the assumed-normal slices carry a synthetic anomaly of `data.generators`;
///   the decoder segments it (BCE + soft Dice) — the open-set backbone, since synthetic anomalies are
///   not tied to any labelled type;
/// - `supervised`: revealed anomalies (`labelled_share` of the batch when any exist) with their masks as
///   targets, `transplant` of them pasted into assumed-normal slices (many contexts instead of
///   memorising a few slices) and the rest in their own slice (real context: mass effect, edema around a
///   core); revealed normal slices are certain negatives;
/// - `teacher`: an EMA teacher labels the unlabelled, possibly contaminated pool after the first fifth
///   of training: pixels it scores above `confident_high` become positives (weight `pseudo_weight`),
///   pixels between `confident_low` and `confident_high` are ignored, the rest stay negatives — so
///   contamination is not taught as normal;
/// - `image_head`: BCE on the top-k mean of the logits against the image labels (anomalies synthetic
///   or revealed), which also learns from image labels; with `filter_pool`, unlabelled slices the
///   teacher scores above `confident_high` are left out of its negatives.
final class SemiSupervisedObjective: ObjectiveBase<MapModel, SemiSupervisedMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        let size = context.config.train.batch
        net.updateTeacher(decay: step == 0 ? 0 : Float(method.teacherDecay))
        let batch = try context.sampler.revealedBatch(size, revealedShare: method.supervised ? method.labelledShare : 0,
                                                      transplanted: method.transplant, syntheticRate: method.synthetic ? 0.5 : 0, &rng)

        let images = batch.imageTensor
        var targets = batch.targets
        var pixelWeights = [Float](repeating: 1, count: targets.count)
        var imageWeights = [Float](repeating: 1, count: batch.count)
        let pixels = batch.voxels
        if method.teacher, let teacher = net.teacher, step >= context.config.train.steps / 5 {
            let confidence = withNoGrad { sigmoid(net.logits(images, network: teacher)) }.values
            let teacherImage = TopK.mean(confidence, batch: batch.count, fraction: method.segmentation.topK)
            let (high, low) = (Float(method.confidentHigh), Float(method.confidentLow))
            for b in 0..<batch.count where batch.unlabelled[b] {
                for i in (b * pixels)..<((b + 1) * pixels) {
                    if confidence[i] > high {
                        targets[i] = 1
                        pixelWeights[i] = Float(method.pseudoWeight)
                    } else if confidence[i] > low {
                        pixelWeights[i] = 0
                    }
                }
                if method.filterPool && teacherImage[b] > high { imageWeights[b] = 0 }
            }
        }
        let logits = net.logits(images)
        let targetTensor = Tensor(shape: images.shape, values: targets)
        var total = SegmentationLoss.bceDice(logits, targetTensor, diceWeight: Float(method.segmentation.diceWeight),
                                             pixelWeights: Tensor(shape: images.shape, values: pixelWeights))
        if method.imageHead {
            let pooled = TopK.mean(logits, fraction: method.segmentation.topK)
            let weights = Tensor(shape: [batch.count], values: imageWeights)
            let perImage = bceWithLogitsLoss(pooled, Tensor(shape: [batch.count], values: batch.labels), reduction: .none)
            total = total + (perImage * weights).sum() / max(1, imageWeights.reduce(0, +))
        }
        return total
    }
}

