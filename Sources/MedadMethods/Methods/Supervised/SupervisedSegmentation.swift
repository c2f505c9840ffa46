// The plain supervised reference of the annotation-efficient setting: what the revealed masks teach on
// their own, without synthetic anomalies, transplanting or the unlabelled pool beyond negatives.
import MedadSupport
import MedadTensor

/// `supervised`: the decoder is trained as a pixel-wise anomaly predictor (BCE + soft Dice) on the
/// revealed anomalous slices, each in its own slice with its own mask (not transplanted), and on
/// assumed-normal pool slices as negatives with all-zero targets; `positive_share` of each batch
/// (half by default) are the revealed anomalies. No synthetic anomalies, no augmentation.
final class SupervisedSegmentationObjective: ObjectiveBase<MapModel, SupervisedMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        let batch = try context.sampler.revealedBatch(context.config.train.batch, revealedShare: method.positiveShare,
                                                      transplanted: 0, syntheticRate: 0, &rng)
        context.recording?.record(batch)
        return SegmentationLoss.bceDice(net, on: batch, diceWeight: method.segmentation.diceWeight)
    }
}

