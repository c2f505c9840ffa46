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
    let norm = AffineNorm("groupNorm", x: x, weight: weight, bias: bias, features: c)
    let out = Tensor(uninitialized: x.shape)
    let mean = Tensor(uninitialized: [n, groups]), rstd = Tensor(uninitialized: [n, groups])
    ck_groupnorm_forward(x.storage.pointer, weight?.storage.pointer, bias?.storage.pointer, out.storage.pointer,
                         mean.storage.pointer, rstd.storage.pointer, n, c, pixels, groups, eps)
    return Tensor.record("groupNorm", out, inputs: norm.inputs) { grad in
        norm.gradients { dx, dw, db in
            ck_groupnorm_backward(x.storage.pointer, weight?.storage.pointer, mean.storage.pointer, rstd.storage.pointer,
                                  grad.storage.pointer, dx, dw, db, n, c, pixels, groups)
        }
    }
}
