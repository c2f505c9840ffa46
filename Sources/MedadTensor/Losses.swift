// Focal loss: T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
// Soft Dice loss: F. Milletari et al., "V-Net: Fully Convolutional Neural Networks for Volumetric Medical
// Image Segmentation", 3DV 2016.

/// How a loss folds its per-element values: averaged, summed, or returned as they are.
public enum LossReduction: Sendable {
    case mean, sum, none

    func apply(_ values: Tensor) -> Tensor {
        switch self {
        case .mean: values.mean()
        case .sum: values.sum()
        case .none: values
        }
    }
}

private func requireSameShape(_ a: Tensor, _ b: Tensor, _ op: String) {
    Shape.requireEqual(a.shape, b.shape, op: op)
}

/// Squared error (prediction − target)², reduced.
public func mseLoss(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    requireSameShape(prediction, target, "mseLoss")
    return reduction.apply((prediction - target).square())
}

/// Absolute error |prediction − target|, reduced.
public func l1Loss(_ prediction: Tensor, _ target: Tensor, reduction: LossReduction = .mean) -> Tensor {
    requireSameShape(prediction, target, "l1Loss")
    return reduction.apply((prediction - target).abs())
}

/// Binary cross-entropy on logits, as PyTorch's BCEWithLogitsLoss: (1 − t)·x + w·softplus(−x) with
/// w = 1 + (posWeight − 1)·t, which is max(x, 0) − x·t + log(1 + e^{−|x|}) when posWeight is nil.
/// Never exponentiates a large positive number, so logits of ±100 give finite losses.
public func bceWithLogitsLoss(_ logits: Tensor, _ targets: Tensor, posWeight: Float? = nil,
                              reduction: LossReduction = .mean) -> Tensor {
    requireSameShape(logits, targets, "bceWithLogitsLoss")
    let negativePart = softplus(-logits)
    let weighted = posWeight.map { negativePart * (1 + ($0 - 1) * targets) } ?? negativePart
    return reduction.apply((1 - targets) * logits + weighted)
}

/// Cross-entropy of logits [N, C] against class indices (one per row, each in 0..<C), through log-softmax.
public func crossEntropyLoss(_ logits: Tensor, targets: [Int], reduction: LossReduction = .mean) -> Tensor {
    precondition(logits.rank == 2 && targets.count == logits.shape[0],
                 "crossEntropyLoss: logits \(logits.shape) need shape [N, C] with N = \(targets.count) targets")
    let classes = logits.shape[1]
    precondition(targets.allSatisfy { (0..<classes).contains($0) },
                 "crossEntropyLoss: a target is outside 0..<\(classes)")
    let logProbabilities = logSoftmax(logits, axis: 1)
    let picked = Tensor(uninitialized: [targets.count])
    for (row, target) in targets.enumerated() {
        picked.storage.pointer[row] = -logProbabilities.storage.pointer[row * classes + target]
    }
    let perRow = Tensor.record("crossEntropyLoss", picked, inputs: [logProbabilities]) { g in
        let gx = Tensor(shape: logProbabilities.shape, repeating: 0)
        for (row, target) in targets.enumerated() { gx.storage.pointer[row * classes + target] = -g.storage.pointer[row] }
        return [gx]
    }
    return reduction.apply(perRow)
}

/// Binary focal loss on logits (Lin et al. 2017, "Focal Loss for Dense Object Detection"), as torchvision's
/// sigmoid_focal_loss: BCE·(1 − p_t)^γ, weighted by α for positives and 1 − α for negatives (no weighting
/// when alpha is negative). Mean-reduced by default, unlike torchvision's "none".
public func focalLoss(_ logits: Tensor, _ targets: Tensor, gamma: Float = 2, alpha: Float = 0.25,
                      reduction: LossReduction = .mean) -> Tensor {
    requireSameShape(logits, targets, "focalLoss")
    let p = sigmoid(logits)
    let crossEntropy = bceWithLogitsLoss(logits, targets, reduction: .none)
    let pT = p * targets + (1 - p) * (1 - targets)
    var loss = crossEntropy * (1 - pT).pow(gamma)
    if alpha >= 0 { loss = loss * (alpha * targets + (1 - alpha) * (1 - targets)) }
    return reduction.apply(loss)
}

/// Soft Dice loss on probabilities (apply sigmoid or softmax first) against targets of the same shape
/// [N, ...]: per sample 1 − (2Σp·t + eps)/(Σp + Σt + eps) over all non-batch axes, then reduced over
/// samples. eps keeps empty masks finite: an empty prediction of an empty target scores loss 0.
public func softDiceLoss(_ probabilities: Tensor, _ targets: Tensor, eps: Float = 1e-5,
                         reduction: LossReduction = .mean) -> Tensor {
    requireSameShape(probabilities, targets, "softDiceLoss")
    precondition(probabilities.rank >= 1, "softDiceLoss: needs a batch axis, got a scalar")
    let perSample = Array(1..<probabilities.rank)
    let overlap = (probabilities * targets).sum(axes: perSample)
    let total = probabilities.sum(axes: perSample) + targets.sum(axes: perSample)
    return reduction.apply(1 - (2 * overlap + eps) / (total + eps))
}
