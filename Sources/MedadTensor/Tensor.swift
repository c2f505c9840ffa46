import MedadSupport

/// Float32 memory shared by a tensor and its reshaped views and detached copies.
/// 64-byte aligned so C kernels and BLAS get full-width vector loads. Large buffers come from and
/// return to `BufferPool`, so steady-state training reuses memory instead of faulting it in.
public final class TensorStorage {
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int

    init(count: Int) {
        self.count = count
        let raw = BufferPool.allocate(bytes: Self.byteCount(count))
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    private static func byteCount(_ count: Int) -> Int { max(count, 1) * MemoryLayout<Float>.stride }

    deinit { BufferPool.free(UnsafeMutableRawPointer(pointer), bytes: Self.byteCount(count)) }
}

/// A contiguous, row-major Float32 tensor (images are NCHW) that records its history for reverse-mode
/// autograd. Tensors are values once made: ops return new tensors, and only optimizers write into
/// parameters in place (through `withMutableBuffer`).
public final class Tensor {
    public let shape: [Int]
    public let storage: TensorStorage
    /// The gradient accumulated by `backward()` for a tensor that requires it and was not made by an op.
    public internal(set) var grad: Tensor?
    /// The op that made this tensor, while its graph is alive; `backward()` releases it as it goes.
    var node: Node?
    private var isTrainableLeaf: Bool

    /// A new tensor with uninitialised memory; every op overwrites all of it.
    init(uninitialized shape: [Int]) {
        self.shape = shape
        storage = TensorStorage(count: Shape.count(shape))
        isTrainableLeaf = false
    }

    init(shape: [Int], sharing storage: TensorStorage) {
        precondition(Shape.count(shape) == storage.count, "shape \(shape) does not fit \(storage.count) values")
        self.shape = shape
        self.storage = storage
        isTrainableLeaf = false
    }

    public convenience init(shape: [Int], repeating value: Float = 0) {
        self.init(uninitialized: shape)
        storage.pointer.update(repeating: value, count: storage.count)
    }

    public convenience init(shape: [Int], values: [Float]) {
        precondition(Shape.count(shape) == values.count, "Tensor(shape: \(shape)) needs \(Shape.count(shape)) values, got \(values.count)")
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    public static func scalar(_ value: Float) -> Tensor { Tensor(shape: [], values: [value]) }

    /// Normal(0, std²) entries from the given generator.
    public static func randn(_ shape: [Int], std: Float = 1, rng: inout SeededRandom) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.storage.pointer[i] = Float(rng.nextNormal()) * std }
        return t
    }

    /// Uniform entries in [low, high) from the given generator.
    public static func uniform(_ shape: [Int], low: Float, high: Float, rng: inout SeededRandom) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.storage.pointer[i] = low + (high - low) * rng.nextFloat() }
        return t
    }

    public var count: Int { storage.count }
    public var rank: Int { shape.count }
    public var values: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single value of a one-element tensor.
    public func item() -> Float {
        precondition(count == 1, "item() needs a tensor with one value, got shape \(shape)")
        return storage.pointer[0]
    }

    /// Whether gradients flow to or through this tensor.
    public var requiresGrad: Bool {
        get { isTrainableLeaf || node != nil }
        set {
            precondition(node == nil || newValue, "requiresGrad can only be cleared on a leaf tensor; use detach()")
            isTrainableLeaf = newValue
        }
    }

    /// The same values, cut from the graph: no gradient flows through the result.
    public func detached() -> Tensor { Tensor(shape: shape, sharing: storage) }

    /// An independent copy of the values, cut from the graph.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.storage.pointer.update(from: storage.pointer, count: count)
        return t
    }

    public func withBuffer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// In-place writes, for optimizers and loaders that update parameters outside the graph.
    public func withMutableBuffer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    public func zeroGrad() { grad = nil }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = values.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), values: [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
