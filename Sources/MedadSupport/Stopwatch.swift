import Dispatch

/// Wall-clock timing for the benchmark commands: one measurement, or the best or median of repeats.
public enum Stopwatch {
    /// Seconds `body` takes.
    public static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Shortest of `runs` timed runs, after `warmup` untimed ones.
    public static func best(runs: Int, warmup: Int = 1, _ body: () -> Void) -> Double {
        timed(runs: runs, warmup: warmup, body).min()!
    }

    /// Median of `runs` timed runs, after `warmup` untimed ones.
    public static func median(runs: Int, warmup: Int = 1, _ body: () -> Void) -> Double {
        let times = timed(runs: runs, warmup: warmup, body).sorted()
        return times[times.count / 2]
    }

    private static func timed(runs: Int, warmup: Int, _ body: () -> Void) -> [Double] {
        precondition(runs > 0, "Stopwatch needs at least one timed run")
        for _ in 0..<warmup { body() }
        return (0..<runs).map { _ in seconds(body) }
    }
}
