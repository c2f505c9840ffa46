import CKernels

/// One elementwise loop over an index space in which every operand has its own strides. Size-1 axes
/// are dropped and neighbouring axes that are contiguous for every operand are merged, so a same-shape
/// op becomes one flat loop and a bias or per-channel broadcast becomes two or three nested ones.
struct StridedLoop {
    private(set) var dims: [Int] = []
    private(set) var strides: [[Int]]

    init(dims fullDims: [Int], strides fullStrides: [[Int]]) {
        strides = Array(repeating: [], count: fullStrides.count)
        for axis in fullDims.indices where fullDims[axis] != 1 {
            let size = fullDims[axis]
            let merges = !dims.isEmpty && fullStrides.indices.allSatisfy {
                strides[$0].last! == fullStrides[$0][axis] * size
            }
            if merges {
                dims[dims.count - 1] *= size
                for k in strides.indices { strides[k][strides[k].count - 1] = fullStrides[k][axis] }
            } else {
                dims.append(size)
                for k in strides.indices { strides[k].append(fullStrides[k][axis]) }
            }
        }
        precondition(dims.count <= Int(CK_MAX_RANK), "strided loop of rank \(dims.count) exceeds \(CK_MAX_RANK)")
    }

    /// out = a op b (op is a CK_* binary code; CK_COPY ignores b).
    func run(_ op: Int32, a: UnsafePointer<Float>, b: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        ck_strided_binary(op, Int32(dims.count), dims, a, strides[0], b, strides[1], out, strides[2])
    }
}

/// Strides that read `shape` as if broadcast to `target` (right-aligned, 0 along broadcast axes).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = Shape.strides(shape)
    let pad = target.count - shape.count
    return target.indices.map { i in i < pad || shape[i - pad] == 1 ? 0 : own[i - pad] }
}

extension Tensor {
    /// out = a op b with NumPy broadcasting into a fresh tensor of shape `shape` (not recorded).
    static func broadcastKernel(_ op: Int32, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: shape)
        StridedLoop(dims: shape, strides: [broadcastStrides(a.shape, to: shape), broadcastStrides(b.shape, to: shape),
                                           Shape.strides(shape)])
            .run(op, a: a.storage.pointer, b: b.storage.pointer, out: out.storage.pointer)
        return out
    }

    /// This tensor's values repeated to a shape it broadcasts to (not recorded).
    func broadcastCopy(to target: [Int]) -> Tensor {
        if shape == target { return self }
        return Tensor.broadcastKernel(CK_COPY, self, self, shape: target)
    }

    /// Copies the block of this tensor starting at `origin` with extent `extent` (not recorded).
    func block(origin: [Int], extent: [Int]) -> Tensor {
        let out = Tensor(uninitialized: extent)
        let strides = Shape.strides(shape)
        let offset = zip(origin, strides).reduce(0) { $0 + $1.0 * $1.1 }
        StridedLoop(dims: extent, strides: [strides, strides, Shape.strides(extent)])
            .run(CK_COPY, a: storage.pointer + offset, b: storage.pointer + offset, out: out.storage.pointer)
        return out
    }

    /// Writes this tensor's values into `target` starting at `origin` (not recorded; target is fresh).
    func write(into target: Tensor, at origin: [Int]) {
        let strides = Shape.strides(target.shape)
        let offset = zip(origin, strides).reduce(0) { $0 + $1.0 * $1.1 }
        let own = Shape.strides(shape)
        StridedLoop(dims: shape, strides: [own, own, strides])
            .run(CK_COPY, a: storage.pointer, b: storage.pointer, out: target.storage.pointer + offset)
    }
}

extension Tensor {
    /// `axis` resolved against this tensor's rank (negative counts from the end); out of range stops.
    func resolvedAxis(_ axis: Int, op: String) -> Int {
        Shape.require(try Shape.axis(axis, rank: rank, op: op))
    }
}
