import Foundation

/// Where a computation's time goes, per kind of op, for `medad bench zoo --ops`. Ops compute and then
/// record themselves, so each recorded op is charged the time since the previous charge; a backward is
/// charged after its closure has run (the ops inside it are not charged apart), together with the
/// gradient sums before it. Work that is no op, such as an optimizer's update, is charged to the next
/// op unless the caller names it with `charge`. Only the ops of the task inside `measure` are charged.
public enum OpTimes {
    public struct Entry: Sendable {
        /// The op's name ("linear"), or "backward " and its name.
        public let op: String
        public let seconds: Double
        public let calls: Int
    }

    /// One measurement's clock and totals; only its own task touches it.
    final class Ledger: @unchecked Sendable {
        var last = DispatchTime.now().uptimeNanoseconds
        var isSuspended = false
        var totals: [String: (seconds: Double, calls: Int)] = [:]
    }

    @TaskLocal static var ledger: Ledger?

    /// Runs `body` `runs` times with every op charged; the entries, per run, come slowest first.
    public static func measure(runs: Int = 1, _ body: () throws -> Void) rethrows -> [Entry] {
        precondition(ledger == nil && runs > 0, "OpTimes.measure does not nest, and runs at least once")
        let measured = Ledger()
        try $ledger.withValue(measured) {
            for _ in 0..<runs { try body() }
        }
        return measured.totals.map { Entry(op: $0.key, seconds: $0.value.seconds / Double(runs), calls: $0.value.calls / runs) }
            .sorted { ($0.seconds, $1.op) > ($1.seconds, $0.op) }
    }

    /// Charges the time since the last charge to `op`.
    public static func charge(_ op: String) {
        guard let ledger, !ledger.isSuspended else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let entry = ledger.totals[op] ?? (0, 0)
        ledger.totals[op] = (entry.seconds + Double(now - ledger.last) / 1e9, entry.calls + 1)
        ledger.last = now
    }

    /// Runs an op's backward closure, charged as one "backward <op>".
    static func backward<R>(of op: String, _ body: () -> R) -> R {
        guard let ledger else { return body() }
        ledger.isSuspended = true
        let result = body()
        ledger.isSuspended = false
        charge("backward " + op)
        return result
    }
}
