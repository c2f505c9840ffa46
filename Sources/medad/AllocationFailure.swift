import Foundation

/// When Swift cannot allocate memory it prints one line (`Fatal error: failed to allocate N bytes of
/// memory with alignment A`) and aborts, and the runtime's backtracer then adds a crash report of a
/// hundred lines. Buffers sized by an input are checked before they are allocated (`MemoryBudget`),
/// so this is memory running out elsewhere: the runtime's line stays the one error line and the
/// command exits 1 without the report. Any other abort still reaches the backtracer.
enum AllocationFailure {
    /// Returns the runtime's `std::atomic<const char *>` holding the last fatal error message (exported
    /// for crash reporters since Swift 5.9).
    private typealias MessageBuffer = @convention(c) () -> UnsafeMutablePointer<UnsafePointer<CChar>?>?

    /// Looked up when installing (dlsym is not safe inside a signal handler); nil on an older runtime,
    /// which then keeps its backtraces.
    nonisolated(unsafe) private static var messageBuffer: MessageBuffer?
    /// The abort handler installed before this one (the backtracer's).
    nonisolated(unsafe) private static var previous = sigaction()

    static func exitQuietly() {
        guard let symbol = dlsym(nil, "swift_getFatalErrorMessageBuffer") else { return }   // nil: RTLD_DEFAULT
        messageBuffer = unsafeBitCast(symbol, to: MessageBuffer.self)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if let message = AllocationFailure.messageBuffer?()?.pointee, strstr(message, "failed to allocate") != nil {
                _exit(1)
            }
            // Any other abort: back to the previous handler, which takes the signal once this one returns.
            sigaction(signal, &AllocationFailure.previous, nil)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGABRT, &action, &previous)
    }
}
