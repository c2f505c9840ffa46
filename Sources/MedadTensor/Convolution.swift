import CKernels

/// 2D cross-correlation over NCHW images with zero padding, as PyTorch's `conv2d`.
///
/// - x: [N, Cin, H, W]; weight: [Cout, Cin/groups, kh, kw]; bias: [Cout].
/// - Returns [N, Cout, (H + 2·padding − kh)/stride + 1, (W + 2·padding − kw)/stride + 1].
///
/// Lowered to im2col columns and GEMMs in chunks of bounded memory (see `ConvolutionMemory`); backward
/// recomputes the columns instead of keeping them alive in the graph. A 1×1 stride-1 unpadded
/// convolution multiplies the images directly; a 3×3 stride-1 padding-1 ungrouped one with at least 8
/// channels in and out runs as Winograd F(2×2, 3×3) (Winograd.swift), equal up to rounding.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, groups: Int = 1) -> Tensor {
    convolution(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups, axes: 2)
}

/// 3D cross-correlation over NCDHW volumes with zero padding, as PyTorch's `conv3d`; stride and padding
/// are the same on all three axes.
///
/// - x: [N, Cin, D, H, W]; weight: [Cout, Cin/groups, kd, kh, kw]; bias: [Cout].
/// - Returns [N, Cout, Do, Ho, Wo] with Do = (D + 2·padding − kd)/stride + 1, likewise Ho and Wo.
///
/// The same lowering as `conv2d` (a 2D convolution is the depth-1 case), with vol2col columns: a volume
/// whose columns exceed the budget is lowered in bands of its output rows, so the scratch memory stays
/// bounded whatever the volume's size (see `ConvolutionMemory`). 1×1×1 stride-1 unpadded convolutions
/// multiply the volumes directly. No Winograd.
public func conv3d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, groups: Int = 1) -> Tensor {
    convolution(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups, axes: 3)
}

/// `conv2d` or `conv3d`: a convolution over 2 or 3 spatial axes.
private func convolution(_ x: Tensor, weight: Tensor, bias: Tensor?,
                         stride: Int, padding: Int, groups: Int, axes: Int) -> Tensor {
    let op = "conv\(axes)d"
    let g = ConvGeometry(op, x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups, axes: axes)
    let out = Tensor(uninitialized: g.outputShape)
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
    return Tensor.record(op, out, inputs: inputs) { grad in
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
