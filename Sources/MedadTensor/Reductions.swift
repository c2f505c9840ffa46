import CKernels

extension Tensor {
    /// Resolved, distinct axes (all axes when nil); negative axes count from the end.
    private func reductionAxes(_ axes: [Int]?, op: String) -> [Int] {
        guard let axes else { return Array(shape.indices) }
        let resolved = axes.map { resolvedAxis($0, op: op) }
        precondition(Set(resolved).count == resolved.count, "\(op): axes \(axes) repeat an axis")
        return resolved.sorted()
    }

    private func reducedShape(_ axes: [Int], keepDims: Bool) -> [Int] {
        keepDims ? shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
                 : shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
    }

    private func scaledSum(axes: [Int]?, keepDims: Bool, op: String, mean: Bool) -> Tensor {
        let resolved = reductionAxes(axes, op: op)
        let reducedCount = Shape.count(resolved.map { shape[$0] })
        let scale: Float = mean ? 1 / Float(reducedCount) : 1
        let kept = reducedSum(axes: Set(resolved), scale: scale)
        let keptShape = kept.shape
        let out = Tensor(shape: reducedShape(resolved, keepDims: keepDims), sharing: kept.storage)
        return Tensor.record(op, out, inputs: [self]) { g in
            let spread = Tensor(shape: keptShape, sharing: g.storage).broadcastCopy(to: self.shape)
            return [mean ? spread * scale : spread]
        }
    }

    /// Sum over `axes` (all when nil); reduced axes are dropped unless `keepDims`. Accumulates in double.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        scaledSum(axes: axes, keepDims: keepDims, op: "sum", mean: false)
    }

    /// Mean over `axes` (all when nil); reduced axes are dropped unless `keepDims`.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        scaledSum(axes: axes, keepDims: keepDims, op: "mean", mean: true)
    }

    /// Maximum over `axes` (all when nil). The gradient goes to one position per output: the first
    /// maximum in row-major order when several tie (a NaN counts as the maximum).
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let resolved = reductionAxes(axes, op: "max")
        let keptAxes = shape.indices.filter { !resolved.contains($0) }
        let order = keptAxes + resolved
        let rows = Shape.count(keptAxes.map { shape[$0] })
        let length = Shape.count(resolved.map { shape[$0] })
        precondition(length > 0, "max: cannot reduce over an empty axis in shape \(shape)")
        // Reduced axes moved last (a copy only when they are not already last), so each output is a row.
        let moved = order != Array(shape.indices)
        let rowsLayout = moved ? withNoGrad { permuted(order) } : self
        let layoutShape = rowsLayout.shape
        let out = Tensor(uninitialized: reducedShape(resolved, keepDims: keepDims))
        var argmax = [Int](repeating: 0, count: rows)
        ck_max_rows(rowsLayout.storage.pointer, out.storage.pointer, &argmax, rows, length)
        return Tensor.record("max", out, inputs: [self]) { g in
            let scattered = Tensor(shape: layoutShape, repeating: 0)
            for row in 0..<rows { scattered.storage.pointer[row * length + argmax[row]] = g.storage.pointer[row] }
            return [moved ? scattered.permuted(inversePermutation(order)) : scattered]
        }
    }
}

func inversePermutation(_ order: [Int]) -> [Int] {
    var inverse = [Int](repeating: 0, count: order.count)
    for (position, axis) in order.enumerated() { inverse[axis] = position }
    return inverse
}
