import CKernels

extension Tensor {
    /// Sum over `axes` (resolved, distinct) times `scale`, keeping the reduced axes as size 1; outside
    /// the graph. Runs of neighbouring reduced (or kept) axes are merged, and each run of reduced axes is
    /// one [outer, reduced, inner] pass of the C kernel.
    func reducedSum(axes: Set<Int>, scale: Float = 1) -> Tensor {
        let keptShape = shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
        var groups: [(size: Int, reduced: Bool)] = []
        for axis in shape.indices where shape[axis] != 1 {
            let reduced = axes.contains(axis)
            if let last = groups.last, last.reduced == reduced {
                groups[groups.count - 1].size *= shape[axis]
            } else {
                groups.append((shape[axis], reduced))
            }
        }
        if shape.contains(0) { return Tensor(shape: keptShape, repeating: 0) }
        var current = self
        var pendingScale = scale
        while let index = groups.firstIndex(where: { $0.reduced }) {
            let outer = Shape.count(groups[..<index].map(\.size))
            let inner = Shape.count(groups[(index + 1)...].map(\.size))
            groups.remove(at: index)
            let isLast = !groups.contains(where: { $0.reduced })
            let next = Tensor(uninitialized: [outer * inner])
            Scratch.check(ck_sum_middle(current.storage.pointer, next.storage.pointer, outer,
                                        current.count / (outer * inner), inner, isLast ? pendingScale : 1), "sum")
            if isLast { pendingScale = 1 }
            current = next
        }
        if pendingScale != 1 {
            current = Tensor.broadcastKernel(CK_MUL, current, .scalar(pendingScale), shape: current.shape)
        }
        return Tensor(shape: keptShape, sharing: current.storage)
    }

    /// A broadcast result's gradient folded back onto an input of shape `target`: summed over the axes
    /// the broadcast added or stretched. Outside the graph.
    func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let pad = rank - target.count
        let axes = Set(shape.indices.filter { $0 < pad || (target[$0 - pad] == 1 && shape[$0] != 1) })
        return Tensor(shape: target, sharing: reducedSum(axes: axes).storage)
    }
}
