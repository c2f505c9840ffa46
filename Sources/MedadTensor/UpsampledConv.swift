import CKernels

/// `conv2d(upsampleNearest2x(x), weight: weight, padding: 1)` for a 3×3 weight, computed on x's own grid.
///
/// - x: [N, Cin, H, W]; weight: [Cout, Cin, 3, 3]. Returns [N, Cout, 2H, 2W].
///
/// Every 2×2 output block of the upsampled convolution reads a 3×3 patch of x, and in Winograd
/// F(2×2, 3×3) the nearest-neighbour repeats cancel out of 7 of the 16 tile positions: the remaining
/// 9 GEMMs give each output pixel from 2.25 multiply-adds per input channel instead of 9 (or the 4 of
/// the sub-pixel 2×2 convolutions), with the same values up to float rounding and nothing upsampled
/// in memory (see conv_winograd.c).
///
/// FLOPCounter sees the nominal cost of the upsampled convolution, so model costs stay comparable
/// with other implementations of the same architecture.
public func upsampledConv3x3(_ x: Tensor, weight: Tensor) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1] && weight.shape[2...] == [3, 3],
                 "upsampledConv3x3: needs x [N, Cin, H, W] and weight [Cout, Cin, 3, 3], got shapes \(x.shape) and \(weight.shape)")
    let g = WinogradGeometry(n: x.shape[0], cin: x.shape[1], h: x.shape[2], w: x.shape[3], cout: weight.shape[0],
                             upsampled: true)
    let out = Tensor(uninitialized: [g.n, g.cout, g.ho, g.wo])
    FLOPCounter.counting(g.nominalFLOPs) {
        winogradForward(g, x: x.storage.pointer, weight: weight.storage.pointer, bias: nil, out: out.storage.pointer)
    }
    return Tensor.record("upsampledConv3x3", out, inputs: [x, weight]) { grad in
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
        let passes = (dx == nil ? 0 : 1) + (dw == nil ? 0 : 1)
        FLOPCounter.counting(passes * g.nominalFLOPs) {
            winogradBackward(g, x: x.storage.pointer, weight: weight.storage.pointer, dy: grad.storage.pointer,
                             dx: dx?.storage.pointer, dw: dw?.storage.pointer)
        }
        return [dx, dw]
    }
}
