import Foundation

/// Large temporary buffers (im2col columns, GEMM outputs) kept between calls. A fresh allocation of
/// this size is mmapped and returned to the system on free, so every call would page-fault it back
/// in, which costs about as much as filling it. The pool keeps at most `kept` buffers, the largest.
enum Scratch {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var idle: [TensorStorage] = []
    private static let kept = 2

    /// Runs `body` with at least `count` floats of uninitialised memory, valid only inside `body`.
    static func with<R>(count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = take(count)
        defer { give(buffer) }
        return try body(buffer.pointer)
    }

    private static func take(_ count: Int) -> TensorStorage {
        lock.lock()
        defer { lock.unlock() }
        let fitting = idle.indices.filter { idle[$0].count >= count }
        guard let best = fitting.min(by: { idle[$0].count < idle[$1].count }) else {
            return TensorStorage(count: count)
        }
        return idle.remove(at: best)
    }

    private static func give(_ buffer: TensorStorage) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(buffer)
        idle.sort { $0.count > $1.count }
        if idle.count > kept { idle.removeLast(idle.count - kept) }
    }
}
