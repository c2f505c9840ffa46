import MedadTensor

/// Pixel-wise BCE on logits plus weighted soft Dice on the probabilities.
package enum SegmentationLoss {
    /// The loss of `net`'s logits on a batch against its pixel targets, every pixel weighted alike.
    static func bceDice(_ net: MapModel, on batch: SliceBatch, diceWeight: Double) -> Tensor {
        bceDice(net.logits(batch.imageTensor), batch.targetTensor, diceWeight: Float(diceWeight))
    }

    /// `pixelWeights` weigh BCE's mean only; Dice sees every pixel.
    package static func bceDice(_ logits: Tensor, _ targets: Tensor, diceWeight: Float, pixelWeights: Tensor? = nil) -> Tensor {
        let bce = pixelWeights.map { weightedBCE(logits, targets, $0) } ?? bceWithLogitsLoss(logits, targets)
        guard diceWeight > 0 else { return bce }
        return bce + diceWeight * softDiceLoss(sigmoid(logits), targets)
    }

    /// `kept` (1 or 0 per pixel) leaves its zeros out of both terms: out of BCE's mean, and out of Dice's
    /// sums, where a left-out pixel would otherwise still count as a false positive.
    package static func bceDice(_ logits: Tensor, _ targets: Tensor, diceWeight: Float, kept: Tensor) -> Tensor {
        let bce = weightedBCE(logits, targets, kept)
        guard diceWeight > 0 else { return bce }
        return bce + diceWeight * softDiceLoss(sigmoid(logits) * kept, targets)
    }

    private static func weightedBCE(_ logits: Tensor, _ targets: Tensor, _ weights: Tensor) -> Tensor {
        (bceWithLogitsLoss(logits, targets, reduction: .none) * weights).sum() / Swift.max(1, weights.values.reduce(0, +))
    }
}
