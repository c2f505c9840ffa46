import CKernels
import MedadTensor

/// Scales all gradients together so their global L2 norm is at most `maxNorm`, with the semantics of
/// torch.nn.utils.clip_grad_norm_: factor min(1, maxNorm / (norm + 1e-6)); tensors without a gradient
/// are skipped; a non-finite norm is returned as is (and, as in PyTorch, spreads into the gradients).
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ tensors: [Tensor], maxNorm: Float) -> Float {
    let gradients = tensors.compactMap(\.grad)
    let sumOfSquares = gradients.reduce(0.0) { total, g in total + g.withBuffer { ck_sum_squares($0.baseAddress, $0.count) } }
    let norm = Float(sumOfSquares.squareRoot())
    let factor = min(1, maxNorm / (norm + 1e-6))
    if norm.isFinite && factor < 1 {
        for g in gradients { g.withMutableBuffer { ck_scale($0.baseAddress, $0.count, factor) } }
    }
    return norm
}

/// `clipGradientNorm` over an optimizer's or a module's parameter list.
@discardableResult
public func clipGradientNorm(_ parameters: [NamedParameter], maxNorm: Float) -> Float {
    clipGradientNorm(parameters.map(\.tensor), maxNorm: maxNorm)
}
