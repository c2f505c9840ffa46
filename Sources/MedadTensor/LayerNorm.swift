import CKernels

/// Layer normalisation over the last axis (Ba, Kiros & Hinton, "Layer Normalization", 2016) with
/// PyTorch semantics: each row of D features (e.g. a token of [B, L, D]) is normalised by its mean
/// and biased variance, then scaled by weight and shifted by bias (both [D]; nil means 1 and 0).
public func layerNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    precondition(x.rank >= 1 && x.count > 0, "layerNorm: needs a non-empty input, got shape \(x.shape)")
    let d = x.shape[x.rank - 1], rows = x.count / d
    let norm = AffineNorm("layerNorm", x: x, weight: weight, bias: bias, features: d)
    let out = Tensor(uninitialized: x.shape)
    let mean = Tensor(uninitialized: [rows]), rstd = Tensor(uninitialized: [rows])
    ck_layernorm_forward(x.storage.pointer, weight?.storage.pointer, bias?.storage.pointer, out.storage.pointer,
                         mean.storage.pointer, rstd.storage.pointer, rows, d, eps)
    return Tensor.record("layerNorm", out, inputs: norm.inputs) { grad in
        norm.gradients { dx, dw, db in
            ck_layernorm_backward(x.storage.pointer, weight?.storage.pointer, mean.storage.pointer, rstd.storage.pointer,
                                  grad.storage.pointer, dx, dw, db, rows, d)
        }
    }
}
