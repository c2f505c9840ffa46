import CKernels

/// Softmax along `axis` (negative counts from the end), shifted by the maximum so large inputs stay finite.
public func softmax(_ x: Tensor, axis: Int) -> Tensor { softmaxKernel(x, axis: axis, log: false) }

/// log(softmax(x)) along `axis`, computed as x − max − log Σ exp(x − max) so it never takes log 0.
public func logSoftmax(_ x: Tensor, axis: Int) -> Tensor { softmaxKernel(x, axis: axis, log: true) }

private func softmaxKernel(_ x: Tensor, axis: Int, log: Bool) -> Tensor {
    let name = log ? "logSoftmax" : "softmax"
    let resolved = x.resolvedAxis(axis, op: name)
    let outer = Shape.count(Array(x.shape[..<resolved]))
    let inner = Shape.count(Array(x.shape[(resolved + 1)...]))
    let length = x.shape[resolved]
    let out = Tensor(uninitialized: x.shape)
    ck_softmax(x.storage.pointer, out.storage.pointer, outer, length, inner, log ? 1 : 0)
    let result = out.storage  // not `out` itself: its node holds this closure
    return Tensor.record(name, out, inputs: [x]) { g in
        let gx = Tensor(uninitialized: x.shape)
        ck_softmax_backward(result.pointer, g.storage.pointer, gx.storage.pointer, outer, length, inner, log ? 1 : 0)
        return [gx]
    }
}
