import CKernels

/// Group normalisation (Wu & He, "Group Normalization", ECCV 2018) with PyTorch semantics.
///
/// x: [N, C, H, W] (or any [N, C, ...]); the C channels are split into `groups` groups, each
/// (sample, group) is normalised by its mean and biased variance, then channel c is scaled by
/// weight[c] and shifted by bias[c] (both [C]; nil means 1 and 0).
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps, activated: false)
}

/// `silu(groupNorm(x, ...))` in one pass over the data each way, with the same float arithmetic: the
/// normalised values are recomputed in backward instead of being stored.
public func groupNormSiLU(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps, activated: true)
}

private func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float, activated: Bool) -> Tensor {
    precondition(x.rank >= 2 && x.count > 0 && groups >= 1 && x.shape[1] % groups == 0,
                 "groupNorm: input shape \(x.shape) needs [N, C, ...] with C divisible by groups \(groups)")
    let (n, c) = (x.shape[0], x.shape[1])
    let pixels = x.count / (n * c)
    let name = activated ? "groupNormSiLU" : "groupNorm"
    let norm = AffineNorm(name, x: x, weight: weight, bias: bias, features: c)
    let out = Tensor(uninitialized: x.shape)
    let mean = Tensor(uninitialized: [n, groups]), rstd = Tensor(uninitialized: [n, groups])
    let forward = activated ? ck_groupnorm_silu_forward : ck_groupnorm_forward
    forward(x.storage.pointer, weight?.storage.pointer, bias?.storage.pointer, out.storage.pointer,
            mean.storage.pointer, rstd.storage.pointer, n, c, pixels, groups, eps)
    return Tensor.record(name, out, inputs: norm.inputs) { grad in
        norm.gradients { dx, dw, db in
            if activated {
                return ck_groupnorm_silu_backward(x.storage.pointer, weight?.storage.pointer, bias?.storage.pointer,
                                                  mean.storage.pointer, rstd.storage.pointer, grad.storage.pointer,
                                                  dx, dw, db, n, c, pixels, groups)
            } else {
                return ck_groupnorm_backward(x.storage.pointer, weight?.storage.pointer, mean.storage.pointer,
                                             rstd.storage.pointer, grad.storage.pointer, dx, dw, db, n, c, pixels, groups)
            }
        }
    }
}
