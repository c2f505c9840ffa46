import CKernels

/// `conv2d(upsampleNearest2x(x), weight: weight, padding: 1)` for a 3×3 weight, computed on x's own grid.
///
/// - x: [N, Cin, H, W]; weight: [Cout, Cin, 3, 3]. Returns [N, Cout, 2H, 2W].
///
/// Each output phase (row parity py, column parity px) of the upsampled convolution reads only a
/// 2×2 neighbourhood of x, whose taps are sums of the 3×3 taps (the sub-pixel convolution identity).
/// One 2×2 convolution (padding 1) with the 4·Cout phase filters therefore gives every output pixel
/// from 4 taps instead of 9, over a quarter of the pixels: 4/9 of the multiply-adds, with the same
/// values up to float rounding. Gradients flow through the same ops back to the 3×3 weight.
///
/// FLOPCounter sees the nominal cost of the upsampled convolution, so model costs stay comparable
/// with other implementations of the same architecture.
public func upsampledConv3x3(_ x: Tensor, weight: Tensor) -> Tensor {
    precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1] && weight.shape[2...] == [3, 3],
                 "upsampledConv3x3: needs x [N, Cin, H, W] and weight [Cout, Cin, 3, 3], got shapes \(x.shape) and \(weight.shape)")
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let cout = weight.shape[0]
    let nominalFLOPs = 2 * n * cout * cin * 9 * 4 * h * w
    return FLOPCounter.counting(nominalFLOPs) {
        // [Cout·Cin, 9] taps → [Cout·Cin, 16] columns (phase, a, b) → filters [4·Cout, Cin, 2, 2].
        let phaseFilters = matmul(weight.reshaped([cout * cin, 9]), phaseTapSums())
            .reshaped([cout, cin, 4, 4]).permuted([2, 0, 1, 3]).reshaped([4 * cout, cin, 2, 2])
        return interleavedPhases(conv2d(x, weight: phaseFilters, padding: 1), channels: cout)
    }
}

/// [9, 16]: entry (3·dy + dx, 4·(2·py + px) + 2·a + b) is 1 when the 3×3 tap (dy, dx) of phase (py, px)
/// reads the same pixel of x as the 2×2 tap (a, b). Output row 2i + py, tap dy reads upsampled row
/// 2i + py + dy − 1, which is x row i + ⌊(py + dy − 1)/2⌋ = i + py − 1 + a.
private func phaseTapSums() -> Tensor {
    var entries = [Float](repeating: 0, count: 9 * 16)
    for py in 0..<2 { for px in 0..<2 { for dy in 0..<3 { for dx in 0..<3 {
        let a = (py + dy + 1) / 2 - py, b = (px + dx + 1) / 2 - px
        entries[(3 * dy + dx) * 16 + 4 * (2 * py + px) + 2 * a + b] = 1
    } } } }
    return Tensor(shape: [9, 16], values: entries)
}

/// [N, 4·C, H+1, W+1] phase-major 2×2 convolution results → [N, C, 2H, 2W] (see ck_conv.h).
private func interleavedPhases(_ phases: Tensor, channels: Int) -> Tensor {
    let (n, h, w) = (phases.shape[0], phases.shape[2] - 1, phases.shape[3] - 1)
    let out = Tensor(uninitialized: [n, channels, 2 * h, 2 * w])
    ck_phases_interleave_forward(phases.storage.pointer, out.storage.pointer, n, channels, h, w)
    return Tensor.record("interleavedPhases", out, inputs: [phases]) { grad in
        let dphases = Tensor(uninitialized: phases.shape)
        ck_phases_interleave_backward(grad.storage.pointer, dphases.storage.pointer, n, channels, h, w)
        return [dphases]
    }
}
