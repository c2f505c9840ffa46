import CKernels

/// Average over square windows without padding: [N, C, H, W] → [N, C, (H − kernel)/stride + 1, (W − kernel)/stride + 1].
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int) -> Tensor {
    let p = PoolGeometry(x, kernel: kernel, stride: stride, op: "avgPool2d")
    let out = Tensor(uninitialized: p.outputShape)
    ck_avgpool2d_forward(x.storage.pointer, out.storage.pointer, p.planes, p.h, p.w, kernel, stride, p.ho, p.wo)
    return Tensor.record("avgPool2d", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        ck_avgpool2d_backward(grad.storage.pointer, dx.storage.pointer, p.planes, p.h, p.w, kernel, stride, p.ho, p.wo)
        return [dx]
    }
}

/// Maximum over square windows without padding; the gradient goes to the first maximum of each window
/// (row-major order), as in PyTorch.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int) -> Tensor {
    let p = PoolGeometry(x, kernel: kernel, stride: stride, op: "maxPool2d")
    let out = Tensor(uninitialized: p.outputShape)
    let argmax = UnsafeMutablePointer<Int32>.allocate(capacity: out.count)
    ck_maxpool2d_forward(x.storage.pointer, out.storage.pointer, argmax, p.planes, p.h, p.w, kernel, stride, p.ho, p.wo)
    let positions = Array(UnsafeBufferPointer(start: argmax, count: out.count))
    argmax.deallocate()
    return Tensor.record("maxPool2d", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        positions.withUnsafeBufferPointer {
            ck_maxpool2d_backward(grad.storage.pointer, $0.baseAddress!, dx.storage.pointer, p.planes, p.h, p.w, p.ho, p.wo)
        }
        return [dx]
    }
}

/// The mean of every channel plane: [N, C, H, W] → [N, C].
public func globalAvgPool2d(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4 && x.count > 0, "globalAvgPool2d: needs a non-empty [N, C, H, W] input, got shape \(x.shape)")
    let planes = x.shape[0] * x.shape[1], pixels = x.shape[2] * x.shape[3]
    let out = Tensor(uninitialized: [x.shape[0], x.shape[1]])
    ck_global_avgpool_forward(x.storage.pointer, out.storage.pointer, planes, pixels)
    return Tensor.record("globalAvgPool2d", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        ck_global_avgpool_backward(grad.storage.pointer, dx.storage.pointer, planes, pixels)
        return [dx]
    }
}

/// Nearest-neighbour upsampling by 2 in both spatial axes: [N, C, H, W] → [N, C, 2H, 2W].
public func upsampleNearest2x(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4, "upsampleNearest2x: needs an [N, C, H, W] input, got shape \(x.shape)")
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
    let out = Tensor(uninitialized: [x.shape[0], x.shape[1], 2 * h, 2 * w])
    ck_upsample_nearest2x_forward(x.storage.pointer, out.storage.pointer, planes, h, w)
    return Tensor.record("upsampleNearest2x", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        ck_upsample_nearest2x_backward(grad.storage.pointer, dx.storage.pointer, planes, h, w)
        return [dx]
    }
}

/// Sizes of a square-window pooling without padding.
private struct PoolGeometry {
    let planes, h, w, ho, wo: Int
    let outputShape: [Int]

    init(_ x: Tensor, kernel: Int, stride: Int, op: String) {
        precondition(x.rank == 4, "\(op): needs an [N, C, H, W] input, got shape \(x.shape)")
        precondition(kernel >= 1 && stride >= 1 && x.shape[2] >= kernel && x.shape[3] >= kernel,
                     "\(op): kernel \(kernel) with stride \(stride) does not fit input shape \(x.shape)")
        planes = x.shape[0] * x.shape[1]
        (h, w) = (x.shape[2], x.shape[3])
        (ho, wo) = ((h - kernel) / stride + 1, (w - kernel) / stride + 1)
        outputShape = [x.shape[0], x.shape[1], ho, wo]
    }
}
