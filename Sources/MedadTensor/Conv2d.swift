import CKernels

/// The sizes of one 2D convolution, derived once and shared by forward and backward.
struct ConvGeometry {
    let n, cin, h, w, cout, kh, kw, stride, padding, groups, ho, wo: Int
    var pixels: Int { ho * wo }
    var cinPerGroup: Int { cin / groups }
    var coutPerGroup: Int { cout / groups }
    /// Rows of one group's im2col matrix: the length of a filter.
    var filterLength: Int { cinPerGroup * kh * kw }
    /// A 1×1 stride-1 unpadded convolution multiplies each image directly: no im2col.
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }

    /// The most column floats one chunk of images may take (10 MB). Chunks that stay in the last-level
    /// cache between im2col and the GEMM that packs them run the GEMM much closer to peak: measured
    /// with OpenBLAS (SkylakeX kernels) for 3×3 64→64 convs on 64×64 images, one image (9.4 MB of
    /// columns) per chunk beat chunks of 2, 4 and all 16 images in every run, and 4096
    /// columns per GEMM reach 81% of the 1024³ rate against 65% for 65536 columns (1 thread).
    /// A single image above the budget is one chunk.
    static let columnBudget = 10 << 18

    /// Images per im2col chunk: as many as fit the column budget, at least one.
    var chunk: Int { max(1, min(n, Self.columnBudget / max(1, cin * kh * kw * pixels))) }

    /// 3×3 stride-1 'same' convolutions with enough channels for the GEMMs to pay run as Winograd
    /// F(2×2, 3×3): 16 multiply-adds per 2×2 outputs and channel pair instead of 36.
    var winograd: WinogradGeometry? {
        guard kh == 3 && kw == 3 && stride == 1 && padding == 1 && groups == 1 && cin >= 8 && cout >= 8 else { return nil }
        return WinogradGeometry(n: n, cin: cin, h: h, w: w, cout: cout, upsampled: false)
    }
}

/// 2D cross-correlation over NCHW images with zero padding, as PyTorch's `conv2d`.
///
/// - x: [N, Cin, H, W]; weight: [Cout, Cin/groups, kh, kw]; bias: [Cout].
/// - Returns [N, Cout, (H + 2·padding − kh)/stride + 1, (W + 2·padding − kw)/stride + 1].
///
/// Chunks of images are lowered to one im2col matrix [Cin·kh·kw, images·Hout·Wout] each, so that every
/// group is a single GEMM over the chunk; a chunk's columns take at most 10 MB (or one image).
/// Backward recomputes the columns instead of keeping them alive in the graph. A 1×1 stride-1
/// unpadded convolution multiplies the images directly; a 3×3 stride-1 padding-1 ungrouped one with
/// at least 8 channels in and out runs as Winograd F(2×2, 3×3) (Winograd.swift), equal up to rounding.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, groups: Int = 1) -> Tensor {
    let g = convGeometry(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
    let out = Tensor(uninitialized: [g.n, g.cout, g.ho, g.wo])
    if g.isPointwise {
        pointwiseForward(g, x: x.storage.pointer, weight: weight.storage.pointer,
                         bias: bias?.storage.pointer, out: out.storage.pointer)
    } else if let wg = g.winograd {
        FLOPCounter.counting(wg.nominalFLOPs) {
            winogradForward(wg, x: x.storage.pointer, weight: weight.storage.pointer,
                            bias: bias?.storage.pointer, out: out.storage.pointer)
        }
    } else {
        loweredForward(g, x: x.storage.pointer, weight: weight.storage.pointer,
                       bias: bias?.storage.pointer, out: out.storage.pointer)
    }
    let inputs = [x, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record("conv2d", out, inputs: inputs) { grad in
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
        let gradients = ConvGradients(dy: grad.storage.pointer, dx: dx?.storage.pointer, dw: dw?.storage.pointer)
        if g.isPointwise {
            pointwiseBackward(g, x: x.storage.pointer, weight: weight.storage.pointer, gradients)
        } else if let wg = g.winograd {
            let passes = (dx == nil ? 0 : 1) + (dw == nil ? 0 : 1)
            FLOPCounter.counting(passes * wg.nominalFLOPs) {
                winogradBackward(wg, x: x.storage.pointer, weight: weight.storage.pointer, dy: gradients.dy,
                                 dx: gradients.dx, dw: gradients.dw)
            }
        } else {
            loweredBackward(g, x: x.storage.pointer, weight: weight.storage.pointer, gradients)
        }
        var result: [Tensor?] = [dx, dw]
        if let bias {
            let db = bias.requiresGrad ? Tensor(uninitialized: [g.cout]) : nil
            if let db { ck_conv_bias_backward(grad.storage.pointer, db.storage.pointer, g.n, g.cout, g.pixels) }
            result.append(db)
        }
        return result
    }
}

private func convGeometry(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, groups: Int) -> ConvGeometry {
    precondition(x.rank == 4 && weight.rank == 4,
                 "conv2d: needs x [N, C, H, W] and weight [Cout, Cin/groups, kh, kw], got shapes \(x.shape) and \(weight.shape)")
    precondition(stride >= 1 && padding >= 0 && groups >= 1,
                 "conv2d: stride \(stride) must be ≥ 1, padding \(padding) ≥ 0, groups \(groups) ≥ 1")
    let (cin, cout) = (x.shape[1], weight.shape[0])
    precondition(cin % groups == 0 && cout % groups == 0 && weight.shape[1] * groups == cin,
                 "conv2d: shapes \(x.shape) and \(weight.shape) do not fit groups \(groups) (weight needs [Cout, \(cin / groups), kh, kw], Cout divisible by groups)")
    if let bias {
        precondition(bias.shape == [cout], "conv2d: bias shape \(bias.shape) must be [\(cout)] for weight \(weight.shape)")
    }
    let (kh, kw) = (weight.shape[2], weight.shape[3])
    let ho = (x.shape[2] + 2 * padding - kh) / stride + 1, wo = (x.shape[3] + 2 * padding - kw) / stride + 1
    precondition(x.shape[2] + 2 * padding >= kh && x.shape[3] + 2 * padding >= kw && x.count > 0 && weight.count > 0,
                 "conv2d: kernel of weight \(weight.shape) does not fit input \(x.shape) with padding \(padding)")
    return ConvGeometry(n: x.shape[0], cin: cin, h: x.shape[2], w: x.shape[3], cout: cout, kh: kh, kw: kw,
                        stride: stride, padding: padding, groups: groups, ho: ho, wo: wo)
}

/// Where backward reads the output gradient and writes the input gradients (nil: not needed).
private struct ConvGradients {
    let dy: UnsafeMutablePointer<Float>
    let dx: UnsafeMutablePointer<Float>?
    let dw: UnsafeMutablePointer<Float>?
}

private func pointwiseForward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                              bias: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
    for i in 0..<g.n {
        let y = out + i * g.cout * g.pixels
        fillBias(bias, into: y, g)
        gemm(batch: g.groups, m: g.coutPerGroup, n: g.pixels, k: g.cinPerGroup,
             a: weight, transposeA: false, strideA: g.coutPerGroup * g.cinPerGroup,
             b: x + i * g.cin * g.pixels, transposeB: false, strideB: g.cinPerGroup * g.pixels, c: y,
             accumulate: bias != nil)
    }
}

/// Writes bias[c] over channel c of one [Cout, P] image, for a GEMM to accumulate onto: cheaper than
/// the zeroing pass OpenBLAS makes for a fresh product plus a bias pass after it.
private func fillBias(_ bias: UnsafeMutablePointer<Float>?, into y: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    guard let bias else { return }
    for c in 0..<g.cout { (y + c * g.pixels).update(repeating: bias[c], count: g.pixels) }
}

private func pointwiseBackward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                               _ d: ConvGradients) {
    for i in 0..<g.n {
        let dyi = d.dy + i * g.cout * g.pixels, xi = x + i * g.cin * g.pixels
        if let dx = d.dx {
            gemm(batch: g.groups, m: g.cinPerGroup, n: g.pixels, k: g.coutPerGroup,
                 a: weight, transposeA: true, strideA: g.coutPerGroup * g.cinPerGroup,
                 b: dyi, transposeB: false, strideB: g.coutPerGroup * g.pixels, c: dx + i * g.cin * g.pixels)
        }
        if let dw = d.dw {
            gemm(batch: g.groups, m: g.coutPerGroup, n: g.cinPerGroup, k: g.pixels,
                 a: dyi, transposeA: false, strideA: g.coutPerGroup * g.pixels,
                 b: xi, transposeB: true, strideB: g.cinPerGroup * g.pixels, c: dw, accumulate: i > 0)
        }
    }
}

private func loweredForward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                            bias: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
    Scratch.with(count: g.cin * g.kh * g.kw * g.chunk * g.pixels) { col in
        Scratch.with(count: g.cout * g.chunk * g.pixels) { y in
            for start in stride(from: 0, to: g.n, by: g.chunk) {
                let images = min(g.chunk, g.n - start), columns = images * g.pixels
                // A single image's [C, P] result is already in NCHW order: the GEMM adds it onto the
                // bias in place.
                let outChunk = out + start * g.cout * g.pixels, inPlace = images == 1
                ck_im2col(x + start * g.cin * g.h * g.w, col, images, g.cin, g.h, g.w,
                          g.kh, g.kw, g.stride, g.padding, g.ho, g.wo)
                if inPlace { fillBias(bias, into: outChunk, g) }
                gemm(batch: g.groups, m: g.coutPerGroup, n: columns, k: g.filterLength,
                     a: weight, transposeA: false, strideA: g.coutPerGroup * g.filterLength,
                     b: col, transposeB: false, strideB: g.filterLength * columns, c: inPlace ? outChunk : y,
                     accumulate: inPlace && bias != nil)
                if !inPlace { ck_conv_cnp_to_ncp(y, bias, outChunk, images, g.cout, g.pixels) }
            }
        }
    }
}

private func loweredBackward(_ g: ConvGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                             _ d: ConvGradients) {
    guard d.dx != nil || d.dw != nil else { return }
    // The weight gradient is accumulated transposed, [filter, Cout] per group: OpenBLAS runs this
    // orientation of the product about 10–15% faster (measured for 3×3 64→64 convs).
    let dwt = TensorStorage(count: d.dw == nil ? 0 : g.cout * g.filterLength)
    defer { if let dw = d.dw { transposeFilters(dwt.pointer, into: dw, g) } }
    Scratch.with(count: g.cin * g.kh * g.kw * g.chunk * g.pixels) { col in
        Scratch.with(count: g.cout * g.chunk * g.pixels) { transposed in
            for start in stride(from: 0, to: g.n, by: g.chunk) {
                let images = min(g.chunk, g.n - start), columns = images * g.pixels
                let dyChunk = d.dy + start * g.cout * g.pixels, dyt = images == 1 ? dyChunk : transposed
                if images > 1 { ck_conv_ncp_to_cnp(dyChunk, dyt, images, g.cout, g.pixels) }
                if d.dw != nil {
                    ck_im2col(x + start * g.cin * g.h * g.w, col, images, g.cin, g.h, g.w,
                              g.kh, g.kw, g.stride, g.padding, g.ho, g.wo)
                    gemm(batch: g.groups, m: g.filterLength, n: g.coutPerGroup, k: columns,
                         a: col, transposeA: false, strideA: g.filterLength * columns,
                         b: dyt, transposeB: true, strideB: g.coutPerGroup * columns, c: dwt.pointer, accumulate: start > 0)
                }
                if let dx = d.dx {
                    // The columns are no longer needed: their buffer takes the column gradient.
                    gemm(batch: g.groups, m: g.filterLength, n: columns, k: g.coutPerGroup,
                         a: weight, transposeA: true, strideA: g.coutPerGroup * g.filterLength,
                         b: dyt, transposeB: false, strideB: g.coutPerGroup * columns, c: col)
                    ck_col2im(col, dx + start * g.cin * g.h * g.w, images, g.cin, g.h, g.w,
                              g.kh, g.kw, g.stride, g.padding, g.ho, g.wo)
                }
            }
        }
    }
}

/// dw[group, o, r] = dwt[group, r, o] for the coutPerGroup × filterLength matrix of every group.
private func transposeFilters(_ dwt: UnsafeMutablePointer<Float>, into dw: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    let (rows, columns) = (g.filterLength, g.coutPerGroup)
    for group in 0..<g.groups {
        let src = dwt + group * rows * columns, dst = dw + group * rows * columns
        for o in 0..<columns { for r in 0..<rows { dst[o * rows + r] = src[r * columns + o] } }
    }
}
