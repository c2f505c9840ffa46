import CKernels

/// Reshaping, reordering and cutting. Everything but `reshaped` copies into a fresh contiguous tensor.
extension Tensor {
    /// The same values under a new shape of equal count, sharing storage. One entry may be -1: inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let inferred = newShape.filter { $0 == -1 }.count
        let known = Shape.count(newShape.filter { $0 != -1 })
        precondition(inferred <= 1 && newShape.allSatisfy { $0 >= -1 }
                     && (inferred == 0 ? known == count : known > 0 && count % known == 0),
                     "reshaped: cannot view shape \(shape) as \(newShape)")
        let resolved = newShape.map { $0 == -1 ? count / known : $0 }
        let out = Tensor(shape: resolved, sharing: storage)
        return Tensor.record("reshaped", out, inputs: [self]) { g in [g.reshaped(self.shape)] }
    }

    /// Axes reordered: result axis i is input axis `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(shape.indices), "permuted: \(order) is not a permutation of the axes of shape \(shape)")
        let strides = Shape.strides(shape)
        let outShape = order.map { shape[$0] }
        let out = Tensor(uninitialized: outShape)
        StridedLoop(dims: outShape, strides: [order.map { strides[$0] }, order.map { strides[$0] }, Shape.strides(outShape)])
            .run(CK_COPY, a: storage.pointer, b: storage.pointer, out: out.storage.pointer)
        return Tensor.record("permuted", out, inputs: [self]) { g in [g.permuted(inversePermutation(order))] }
    }

    /// Two axes swapped (negative axes count from the end).
    public func transposed(_ axis0: Int, _ axis1: Int) -> Tensor {
        var order = Array(shape.indices)
        order.swapAt(resolvedAxis(axis0, op: "transposed"),
                     resolvedAxis(axis1, op: "transposed"))
        return permuted(order)
    }

    /// Values reversed along each of `axes`.
    public func flipped(axes: [Int]) -> Tensor {
        let resolved = Set(axes.map { resolvedAxis($0, op: "flipped") })
        var strides = Shape.strides(shape)
        var offset = 0
        for axis in resolved where shape[axis] > 0 {
            offset += (shape[axis] - 1) * strides[axis]
            strides[axis] = -strides[axis]
        }
        let out = Tensor(uninitialized: shape)
        StridedLoop(dims: shape, strides: [strides, strides, Shape.strides(shape)])
            .run(CK_COPY, a: storage.pointer + offset, b: storage.pointer + offset, out: out.storage.pointer)
        return Tensor.record("flipped", out, inputs: [self]) { g in [g.flipped(axes: Array(resolved))] }
    }

    /// The entries with index in `range` along `axis`.
    public func sliced(axis: Int, range: Range<Int>) -> Tensor {
        let resolved = resolvedAxis(axis, op: "sliced")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[resolved],
                     "sliced: range \(range) is outside axis \(axis) of shape \(shape)")
        var origin = [Int](repeating: 0, count: rank)
        origin[resolved] = range.lowerBound
        var extent = shape
        extent[resolved] = range.count
        let out = block(origin: origin, extent: extent)
        return Tensor.record("sliced", out, inputs: [self]) { g in
            let gx = Tensor(shape: self.shape, repeating: 0)
            g.write(into: gx, at: origin)
            return [gx]
        }
    }

    /// Constant padding: `widths[i]` = (before, after) entries of `value` added on axis i.
    public func padded(_ widths: [(Int, Int)], value: Float = 0) -> Tensor {
        precondition(widths.count == rank && widths.allSatisfy { $0.0 >= 0 && $0.1 >= 0 },
                     "padded: needs one non-negative (before, after) pair per axis of shape \(shape), got \(widths)")
        let origin = widths.map(\.0)
        let out = Tensor(shape: shape.indices.map { shape[$0] + widths[$0].0 + widths[$0].1 }, repeating: value)
        write(into: out, at: origin)
        return Tensor.record("padded", out, inputs: [self]) { g in [g.block(origin: origin, extent: self.shape)] }
    }

    /// Consecutive pieces along `axis` with the given sizes, which must add up to the axis length.
    /// Each piece is a slice, so the gradient of each goes to its own slot (zeros where a piece has none).
    public func split(sizes: [Int], axis: Int) -> [Tensor] {
        let resolved = resolvedAxis(axis, op: "split")
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[resolved],
                     "split: sizes \(sizes) do not add up to axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return sliced(axis: resolved, range: start..<(start + size))
        }
    }
}

/// Tensors joined along `axis`; all other axes must agree.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    precondition(!tensors.isEmpty, "concat: needs at least one tensor")
    let first = tensors[0]
    let resolved = first.resolvedAxis(axis, op: "concat")
    for t in tensors {
        var a = t.shape, b = first.shape
        if a.count == b.count { a[resolved] = 0; b[resolved] = 0 }
        precondition(a == b, "concat: shapes \(first.shape) and \(t.shape) differ off axis \(axis)")
    }
    var outShape = first.shape
    outShape[resolved] = tensors.reduce(0) { $0 + $1.shape[resolved] }
    let out = Tensor(uninitialized: outShape)
    var origins: [[Int]] = []
    var offset = 0
    for t in tensors {
        var origin = [Int](repeating: 0, count: first.rank)
        origin[resolved] = offset
        t.write(into: out, at: origin)
        origins.append(origin)
        offset += t.shape[resolved]
    }
    return Tensor.record("concat", out, inputs: tensors) { g in
        zip(tensors, origins).map { t, origin in t.requiresGrad ? g.block(origin: origin, extent: t.shape) : nil }
    }
}
