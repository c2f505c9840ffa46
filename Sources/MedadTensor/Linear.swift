import CKernels

/// y = x·Wᵀ + b for x [..., in], weight [out, in] (PyTorch's layout) and bias [out]: one sgemm over
/// all leading axes, writing onto rows pre-filled with the bias.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    precondition(x.rank >= 1 && weight.rank == 2 && x.shape.last == weight.shape[1],
                 "linear: input \(x.shape) does not match weight \(weight.shape) (expected [..., in] and [out, in])")
    let (inFeatures, outFeatures) = (weight.shape[1], weight.shape[0])
    if let bias { Shape.requireEqual(bias.shape, [outFeatures], op: "linear bias") }
    let rows = x.count / Swift.max(inFeatures, 1)
    let outShape = Array(x.shape.dropLast()) + [outFeatures]
    let out = bias.map { Tensor.broadcastKernel(CK_COPY, $0, $0, shape: outShape) } ?? Tensor(shape: outShape, repeating: 0)
    gemm(batch: 1, m: rows, n: outFeatures, k: inFeatures, a: x.storage.pointer, transposeA: false, strideA: 0,
         b: weight.storage.pointer, transposeB: true, strideB: 0, c: out.storage.pointer, accumulate: true)
    return Tensor.record("linear", out, inputs: [x, weight] + (bias.map { [$0] } ?? [])) { g in
        var gradX: Tensor?, gradW: Tensor?
        if x.requiresGrad {
            // dx = g·W
            gradX = Tensor(uninitialized: x.shape)
            gemm(batch: 1, m: rows, n: inFeatures, k: outFeatures, a: g.storage.pointer, transposeA: false, strideA: 0,
                 b: weight.storage.pointer, transposeB: false, strideB: 0, c: gradX!.storage.pointer)
        }
        if weight.requiresGrad {
            // dW = gᵀ·x
            gradW = Tensor(uninitialized: weight.shape)
            gemm(batch: 1, m: outFeatures, n: inFeatures, k: rows, a: g.storage.pointer, transposeA: true, strideA: 0,
                 b: x.storage.pointer, transposeB: false, strideB: 0, c: gradW!.storage.pointer)
        }
        let gradBias = bias.flatMap { $0.requiresGrad ? g.summed(toShape: [outFeatures]) : nil }
        return [gradX, gradW, gradBias]
    }
}
