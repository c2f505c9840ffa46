import CKernels

/// Depthwise causal 1D convolution over token-major sequences, the short convolution of Mamba blocks
/// (Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces", 2023).
///
/// - x: [B, L, C] (as it comes out of a linear layer); weight: [C, 1, k] (PyTorch Conv1d layout);
///   bias: [C].
/// - y[b, t, c] = bias[c] + Σ_{j<k} weight[c, 0, j] · x[b, t − (k−1) + j, c], with zeros before t = 0:
///   PyTorch's Conv1d(groups: C, padding: k − 1) truncated to the first L outputs.
public func causalDepthwiseConv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.rank == 3 && weight.rank == 3 && weight.shape[0] == x.shape[2] && weight.shape[1] == 1 && weight.shape[2] >= 1,
                 "causalDepthwiseConv1d: needs x [B, L, C] and weight [C, 1, k], got shapes \(x.shape) and \(weight.shape)")
    let (b, l, c, k) = (x.shape[0], x.shape[1], x.shape[2], weight.shape[2])
    if let bias {
        precondition(bias.shape == [c], "causalDepthwiseConv1d: bias shape \(bias.shape) must be [\(c)] for x \(x.shape)")
    }
    FLOPCounter.add(2 * b * l * c * k)
    let out = Tensor(uninitialized: x.shape)
    Scratch.check(ck_causal_dwconv1d_forward(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer,
                                             out.storage.pointer, b, l, c, k), "causalDepthwiseConv1d")
    return Tensor.recordDepthwise("causalDepthwiseConv1d", out, x: x, weight: weight, bias: bias) { grad, into in
        ck_causal_dwconv1d_backward(x.storage.pointer, weight.storage.pointer, grad.storage.pointer,
                                    into.dx, into.dw, into.dbias, b, l, c, k)
    }
}
