import CKernels

/// The 'same' 3×3 convolution of x upsampled ×2 by nearest neighbour, `conv2d(upsampleNearest2x(x),
/// weight: weight, padding: 1)`, or its 3×3×3 twin over volumes, computed on x's own grid with the
/// same values up to float rounding and nothing upsampled in memory.
///
/// - x: [N, Cin, H, W] with weight [Cout, Cin, 3, 3], or x: [N, Cin, D, H, W] with weight
///   [Cout, Cin, 3, 3, 3]. Returns [N, Cout, 2H, 2W] or [N, Cout, 2D, 2H, 2W].
///
/// Images: every 2×2 output block reads a 3×3 patch of x, and in Winograd F(2×2, 3×3) the
/// nearest-neighbour repeats cancel out of 7 of the 16 tile positions; the remaining 9 GEMMs give each
/// output pixel from 2.25 multiply-adds per input channel instead of 9 (see conv_winograd.c).
///
/// Volumes: along each axis the output voxel 2i + p reads only coarse voxels i − 1 + p and i + p, so each
/// of the 8 parities is a 2×2×2 convolution of x with folded filters; one lowered convolution computes
/// all 8 as output channels and a kernel interleaves them (conv_subpixel.c). That is 8 multiply-adds
/// per output voxel and input channel instead of 27, on columns 27 times smaller than the upsampled
/// volume's, and the GEMMs have 8·Cout rows instead of Cout.
///
/// FLOPCounter sees the nominal cost of the upsampled convolution, so model costs stay comparable
/// with other implementations of the same architecture.
public func upsampledConv(_ x: Tensor, weight: Tensor) -> Tensor {
    let axes = x.rank - 2
    precondition((axes == 2 || axes == 3) && weight.rank == x.rank && weight.shape[1] == x.shape[1]
                 && weight.shape[2...].allSatisfy { $0 == 3 },
                 "upsampledConv: needs x [N, Cin, H, W] or [N, Cin, D, H, W] and a weight [Cout, Cin, 3, …] of 3-taps "
                 + "on each of its axes, got shapes \(x.shape) and \(weight.shape)")
    return axes == 2 ? upsampledConvImages(x, weight: weight) : upsampledConvVolumes(x, weight: weight)
}

private func upsampledConvImages(_ x: Tensor, weight: Tensor) -> Tensor {
    let g = WinogradGeometry(n: x.shape[0], cin: x.shape[1], h: x.shape[2], w: x.shape[3], cout: weight.shape[0],
                             upsampled: true)
    let out = Tensor(uninitialized: [g.n, g.cout, g.ho, g.wo])
    FLOPCounter.counting(g.nominalFLOPs) {
        winogradForward(g, x: x.storage.pointer, weight: weight.storage.pointer, bias: nil, out: out.storage.pointer)
    }
    return Tensor.record("upsampledConv", out, inputs: [x, weight]) { grad in
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

private func upsampledConvVolumes(_ x: Tensor, weight: Tensor) -> Tensor {
    let (n, cin, d, h, w, cout) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4], weight.shape[0])
    // The 8 phases' 2×2×2 convolutions as one, with padding 1: phase 1 along an axis reads its voxel i
    // at i + 1 of the (size + 1) outputs.
    let phases = ConvGeometry(n: n, cin: cin, cout: 8 * cout, stride: 1, padding: 1, groups: 1, volumetric: true,
                              d: d, h: h, w: w, kd: 2, kh: 2, kw: 2)
    let nominalFLOPs = 2 * n * cout * cin * 27 * 8 * d * h * w
    let folded = TensorStorage(count: 8 * cout * cin * 8)
    ck_subpixel_fold_forward(weight.storage.pointer, folded.pointer, cout, cin)
    let out = Tensor(uninitialized: [n, cout, 2 * d, 2 * h, 2 * w])
    FLOPCounter.counting(nominalFLOPs) {
        Scratch.with(count: n * phases.cout * phases.pixels) { ys in
            loweredForward(phases, x: x.storage.pointer, weight: folded.pointer, bias: nil, out: ys)
            ck_subpixel_interleave_forward(ys, out.storage.pointer, n, cout, d, h, w)
        }
    }
    return Tensor.record("upsampledConv", out, inputs: [x, weight]) { grad in
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
        let dfolded = dw == nil ? nil : TensorStorage(count: folded.count)
        let passes = (dx == nil ? 0 : 1) + (dw == nil ? 0 : 1)
        FLOPCounter.counting(passes * nominalFLOPs) {
            Scratch.with(count: n * phases.cout * phases.pixels) { dys in
                ck_subpixel_interleave_backward(grad.storage.pointer, dys, n, cout, d, h, w)
                loweredBackward(phases, x: x.storage.pointer, weight: folded.pointer,
                                ConvGradients(dy: dys, dx: dx?.storage.pointer, dw: dfolded?.pointer))
            }
        }
        if let dw, let dfolded { ck_subpixel_fold_backward(dfolded.pointer, dw.storage.pointer, cout, cin) }
        return [dx, dw]
    }
}
