import CKernels

/// Average over square windows without padding: [N, C, H, W] → [N, C, (H − kernel)/stride + 1, (W − kernel)/stride + 1].
public func avgPool2d(_ x: Tensor, kernel: Int, stride: Int) -> Tensor {
    averagePool(x, PoolGeometry(x, kernel: kernel, stride: stride, kind: "avgPool", axes: 2))
}

/// Average over cubic windows without padding: [N, C, D, H, W] → [N, C, (D − kernel)/stride + 1, …].
public func avgPool3d(_ x: Tensor, kernel: Int, stride: Int) -> Tensor {
    averagePool(x, PoolGeometry(x, kernel: kernel, stride: stride, kind: "avgPool", axes: 3))
}

/// Maximum over square windows without padding; the gradient goes to the first maximum of each window
/// (row-major order), as in PyTorch.
public func maxPool2d(_ x: Tensor, kernel: Int, stride: Int) -> Tensor {
    maximumPool(x, PoolGeometry(x, kernel: kernel, stride: stride, kind: "maxPool", axes: 2))
}

/// Maximum over cubic windows without padding: [N, C, D, H, W] → [N, C, (D − kernel)/stride + 1, …]; the
/// gradient goes to the first maximum of each window in raster order (d, h, w), as in PyTorch.
public func maxPool3d(_ x: Tensor, kernel: Int, stride: Int) -> Tensor {
    maximumPool(x, PoolGeometry(x, kernel: kernel, stride: stride, kind: "maxPool", axes: 3))
}

private func averagePool(_ x: Tensor, _ p: PoolGeometry) -> Tensor {
    let out = Tensor(uninitialized: p.outputShape)
    ck_avgpool_forward(x.storage.pointer, out.storage.pointer, p.planes, p.d, p.h, p.w, p.kd, p.k, p.stride,
                       p.od, p.oh, p.ow)
    return Tensor.record(p.op, out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        ck_avgpool_backward(grad.storage.pointer, dx.storage.pointer, p.planes, p.d, p.h, p.w, p.kd, p.k, p.stride,
                            p.od, p.oh, p.ow)
        return [dx]
    }
}

private func maximumPool(_ x: Tensor, _ p: PoolGeometry) -> Tensor {
    let out = Tensor(uninitialized: p.outputShape)
    let argmax = UnsafeMutablePointer<Int32>.allocate(capacity: out.count)
    ck_maxpool_forward(x.storage.pointer, out.storage.pointer, argmax, p.planes, p.d, p.h, p.w, p.kd, p.k, p.stride,
                       p.od, p.oh, p.ow)
    let positions = Array(UnsafeBufferPointer(start: argmax, count: out.count))
    argmax.deallocate()
    return Tensor.record(p.op, out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        positions.withUnsafeBufferPointer {
            ck_maxpool_backward(grad.storage.pointer, $0.baseAddress!, dx.storage.pointer, p.planes, p.d, p.h, p.w,
                                p.od, p.oh, p.ow)
        }
        return [dx]
    }
}

/// The mean of every channel: [N, C, ...] → [N, C], for images, volumes or any other trailing axes.
public func globalAvgPool(_ x: Tensor) -> Tensor {
    precondition(x.rank >= 3 && x.count > 0,
                 "globalAvgPool: needs a non-empty [N, C, ...] input of rank ≥ 3, got shape \(x.shape)")
    let planes = x.shape[0] * x.shape[1], voxels = x.count / planes
    let out = Tensor(uninitialized: [x.shape[0], x.shape[1]])
    ck_global_avgpool_forward(x.storage.pointer, out.storage.pointer, planes, voxels)
    return Tensor.record("globalAvgPool", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        ck_global_avgpool_backward(grad.storage.pointer, dx.storage.pointer, planes, voxels)
        return [dx]
    }
}

/// Nearest-neighbour upsampling by 2 in every spatial axis: [N, C, H, W] → [N, C, 2H, 2W], or
/// [N, C, D, H, W] → [N, C, 2D, 2H, 2W].
public func upsampleNearest2x(_ x: Tensor) -> Tensor {
    precondition(x.rank == 4 || x.rank == 5,
                 "upsampleNearest2x: needs an [N, C, H, W] or [N, C, D, H, W] input, got shape \(x.shape)")
    // An image is a volume of depth 1 whose depth is not doubled.
    let (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[x.rank - 2], x.shape[x.rank - 1])
    let (d, depthFactor) = x.rank == 5 ? (x.shape[2], 2) : (1, 1)
    let out = Tensor(uninitialized: Array(x.shape[..<2]) + x.shape[2...].map { 2 * $0 })
    ck_upsample_nearest2x_forward(x.storage.pointer, out.storage.pointer, planes, d, h, w, depthFactor)
    return Tensor.record("upsampleNearest2x", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        ck_upsample_nearest2x_backward(grad.storage.pointer, dx.storage.pointer, planes, d, h, w, depthFactor)
        return [dx]
    }
}

/// Sizes of a pooling without padding over square (2D) or cubic (3D) windows; an image is a volume of
/// depth 1 pooled with windows of depth 1.
private struct PoolGeometry {
    let op: String
    let planes, d, h, w, kd, k, stride, od, oh, ow: Int
    let outputShape: [Int]

    /// `kind` and `axes` (2 or 3) name the op: avgPool2d, maxPool3d, ...
    init(_ x: Tensor, kernel: Int, stride: Int, kind: String, axes: Int) {
        let volumetric = axes == 3
        op = "\(kind)\(axes)d"
        precondition(x.rank == 2 + axes,
                     "\(op): needs an \(volumetric ? "[N, C, D, H, W]" : "[N, C, H, W]") input, got shape \(x.shape)")
        precondition(kernel >= 1 && stride >= 1 && x.shape[2...].allSatisfy { $0 >= kernel },
                     "\(op): kernel \(kernel) with stride \(stride) does not fit input shape \(x.shape)")
        planes = x.shape[0] * x.shape[1]
        (d, h, w) = (volumetric ? x.shape[2] : 1, x.shape[x.rank - 2], x.shape[x.rank - 1])
        (kd, k, self.stride) = (volumetric ? kernel : 1, kernel, stride)
        (od, oh, ow) = ((d - kd) / stride + 1, (h - kernel) / stride + 1, (w - kernel) / stride + 1)
        outputShape = Array(x.shape[..<2]) + (volumetric ? [od] : []) + [oh, ow]
    }
}
