/// Counts floating-point operations of the ops that dominate a model (matrix products, convolutions
/// through them, the selective scan), so the zoo can report a model's cost by running it once.
/// Task-local, so counting in one test or task never sees another's work.
public enum FLOPCounter {
    final class Tally { var total = 0 }
    @TaskLocal static var tally: Tally?

    @inline(__always) static func add(_ flops: Int) {
        tally?.total += flops
    }

    /// FLOPs spent by `body` (multiply and add counted as two).
    public static func count(_ body: () throws -> Void) rethrows -> Int {
        let tally = Tally()
        try $tally.withValue(tally) { try body() }
        return tally.total
    }

    /// Runs `body` and counts `flops` for it instead of what it executes: for ops that compute a
    /// nominal operation more cheaply, so that costs stay comparable across implementations.
    static func counting<T>(_ flops: Int, _ body: () -> T) -> T {
        let result = $tally.withValue(nil) { body() }
        add(flops)
        return result
    }
}
