/// Large temporary buffers (im2col columns, GEMM outputs). They come from `BufferPool` like tensor
/// storage, so a buffer of the size the previous call freed is reused instead of page-faulted in.
enum Scratch {
    /// Runs `body` with at least `count` floats of uninitialised memory, valid only inside `body`.
    static func with<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = TensorStorage(count: count)
        return try withExtendedLifetime(buffer) { try body(buffer.pointer) }
    }
}
