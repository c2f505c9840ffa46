/// Large temporary buffers (im2col columns, GEMM outputs). They come from `BufferPool` like tensor
/// storage, so a buffer of the size the previous call freed is reused instead of page-faulted in.
enum Scratch {
    /// Stops on a C kernel's status -1: the kernel ran out of memory for the scratch it allocates itself
    /// and left its output unfinished (tensor ops do not throw, as for any allocation that fails).
    static func check(_ status: Int32, _ kernel: @autoclosure () -> String) {
        precondition(status == 0, "\(kernel()): out of memory for the kernel's scratch buffers")
    }

    /// Runs `body` with at least `count` floats of uninitialised memory, valid only inside `body`.
    static func with<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = TensorStorage(count: count)
        return try withExtendedLifetime(buffer) { try body(buffer.pointer) }
    }
}
