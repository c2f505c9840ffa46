import CKernels

/// Group normalisation (Wu & He, "Group Normalization", ECCV 2018) with PyTorch semantics.
///
/// x: [N, C, H, W] (or any [N, C, ...]); the C channels are split into `groups` groups, each
/// (sample, group) is normalised by its mean and biased variance, then channel c is scaled by
/// weight[c] and shifted by bias[c] (both [C]; nil means 1 and 0).
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 2 && x.count > 0 && groups >= 1 && x.shape[1] % groups == 0,
                 "groupNorm: input shape \(x.shape) needs [N, C, ...] with C divisible by groups \(groups)")
    let (n, c) = (x.shape[0], x.shape[1])
    let pixels = x.count / (n * c)
    for parameter in [weight, bias].compactMap({ $0 }) {
        precondition(parameter.shape == [c], "groupNorm: parameter shape \(parameter.shape) must be [\(c)] for input \(x.shape)")
    }
    let out = Tensor(uninitialized: x.shape)
    let mean = Tensor(uninitialized: [n, groups]), rstd = Tensor(uninitialized: [n, groups])
    ck_groupnorm_forward(x.storage.pointer, weight?.storage.pointer, bias?.storage.pointer, out.storage.pointer,
                         mean.storage.pointer, rstd.storage.pointer, n, c, pixels, groups, eps)
    let parameters = [weight, bias].compactMap { $0 }
    return Tensor.record("groupNorm", out, inputs: [x] + parameters) { grad in
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight?.requiresGrad == true ? Tensor(uninitialized: [c]) : nil
        let db = bias?.requiresGrad == true ? Tensor(uninitialized: [c]) : nil
        ck_groupnorm_backward(x.storage.pointer, weight?.storage.pointer, mean.storage.pointer, rstd.storage.pointer,
                              grad.storage.pointer, dx?.storage.pointer, dw?.storage.pointer, db?.storage.pointer,
                              n, c, pixels, groups)
        return [dx] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
    }
}
