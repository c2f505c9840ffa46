import CKernels

/// Depthwise K×K convolution with "same" zero padding over tokens laid out on a 2D grid, the convolution
/// of SegFormer's Mix-FFN (Xie et al., NeurIPS 2021), without moving the tokens out of their
/// token-major layout.
///
/// - x: [B, L, C] with L = grid[0]·grid[1] tokens in raster order; weight: [C, 1, K, K] (PyTorch
///   Conv2d layout with groups C), K odd; bias: [C].
/// - y[b, (i, j), c] = bias[c] + Σ_{a, e < K} weight[c, 0, a, e] · x[b, (i + a − K/2, j + e − K/2), c],
///   zero outside the grid: PyTorch's Conv2d(C, C, K, padding: K/2, groups: C) on x laid out as
///   [B, C, H, W].
public func depthwiseGridConv2d(_ x: Tensor, grid: [Int], weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.rank == 3 && grid.count == 2 && grid[0] * grid[1] == x.shape[1]
                 && weight.shape.count == 4 && weight.shape[0] == x.shape[2] && weight.shape[1] == 1
                 && weight.shape[2] == weight.shape[3] && weight.shape[2] % 2 == 1,
                 "depthwiseGridConv2d: needs x [B, H·W, C] for grid [H, W] and weight [C, 1, K, K] with K odd, got shapes \(x.shape), \(grid) and \(weight.shape)")
    let (b, c, k) = (x.shape[0], x.shape[2], weight.shape[2])
    let (h, w) = (grid[0], grid[1])
    if let bias {
        precondition(bias.shape == [c], "depthwiseGridConv2d: bias shape \(bias.shape) must be [\(c)] for x \(x.shape)")
    }
    FLOPCounter.add(2 * b * h * w * c * k * k)
    let out = Tensor(uninitialized: x.shape)
    Scratch.check(ck_dwconv_grid_forward(x.storage.pointer, weight.storage.pointer, bias?.storage.pointer,
                                         out.storage.pointer, b, h, w, c, k), "depthwiseGridConv2d")
    return Tensor.recordDepthwise("depthwiseGridConv2d", out, x: x, weight: weight, bias: bias) { grad, into in
        ck_dwconv_grid_backward(x.storage.pointer, weight.storage.pointer, grad.storage.pointer,
                                into.dx, into.dw, into.dbias, b, h, w, c, k)
    }
}
