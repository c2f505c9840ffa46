import MedadTensor

/// Pixel-wise BCE on logits plus weighted soft Dice on the probabilities.
enum SegmentationLoss {
    /// The loss of `net`'s logits on a batch against its pixel targets, every pixel weighted alike.
    static func bceDice(_ net: MapModel, on batch: SliceBatch, diceWeight: Double) -> Tensor {
        bceDice(net.logits(batch.imageTensor), batch.targetTensor, diceWeight: Float(diceWeight))
    }

    static func bceDice(_ logits: Tensor, _ targets: Tensor, diceWeight: Float, pixelWeights: Tensor? = nil) -> Tensor {
        let bce: Tensor
        if let pixelWeights {
            bce = (bceWithLogitsLoss(logits, targets, reduction: .none) * pixelWeights).sum() / Swift.max(1, pixelWeights.values.reduce(0, +))
        } else {
            bce = bceWithLogitsLoss(logits, targets)
        }
        guard diceWeight > 0 else { return bce }
        return bce + diceWeight * softDiceLoss(sigmoid(logits), targets)
    }
}
