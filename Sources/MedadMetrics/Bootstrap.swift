import Foundation
import MedadSupport

/// Percentile bootstrap confidence intervals that resample cases (patients), stratified by a label so
/// every resample keeps the number of anomalous and normal cases, seeded and deterministic: resample r
/// draws from its own stream `SeededRandom(seed).split(r)`, whatever the thread count.
public struct Bootstrap: Sendable {
    public var resamples: Int
    public var seed: UInt64
    /// Coverage of the interval (0.95: the 2.5th and 97.5th percentiles).
    public var level: Double
    /// Resamples a user may ask for (`medad score --resamples`, `eval.bootstrap`, `report.resamples`):
    /// fewer give no usable percentile, more only cost memory and time (each resample holds a copy of
    /// every metric).
    public static let allowedResamples = 10...100_000

    public init(resamples: Int = 1000, seed: UInt64 = 0, level: Double = 0.95) {
        precondition(resamples > 0 && level > 0 && level < 1, "bootstrap needs resamples > 0 and level in (0, 1)")
        self.resamples = resamples
        self.seed = seed
        self.level = level
    }

    /// How often each case occurs in resample `r`: each stratum draws as many cases as it holds.
    public func multiplicities(strata: [Int], resample r: Int) -> [Int] {
        var random = SeededRandom(seed: seed).split(UInt64(r))
        var counts = [Int](repeating: 0, count: strata.count)
        for members in Dictionary(grouping: strata.indices, by: { strata[$0] }).sorted(by: { $0.key < $1.key }).map(\.value) {
            for _ in members { counts[members[random.nextInt(members.count)]] += 1 }
        }
        return counts
    }

    /// Intervals for every metric `statistics` returns for a multiplicity vector. Resamples where a metric
    /// is undefined are left out of its interval; a metric undefined in every resample stays undefined.
    public func intervals(strata: [Int], statistics: ([Int]) -> [String: MetricValue]) -> [String: ConfidenceInterval] {
        var results = [[String: MetricValue]](repeating: [:], count: resamples)
        results.withUnsafeMutableBufferPointer { slots in
            let slots = slots
            DispatchQueue.concurrentPerform(iterations: resamples) { r in
                slots[r] = statistics(multiplicities(strata: strata, resample: r))
            }
        }
        var intervals: [String: ConfidenceInterval] = [:]
        for key in Set(results.flatMap(\.keys)) {
            let values = results.compactMap { $0[key]?.number }.sorted()
            guard !values.isEmpty else {
                let reason = results.lazy.compactMap { $0[key]?.undefinedReason }.first ?? "no value"
                intervals[key] = .undefined("undefined in every resample: \(reason)")
                continue
            }
            let tail = (1 - level) / 2
            intervals[key] = .interval(low: Statistics.percentile(values, tail),
                                       high: Statistics.percentile(values, 1 - tail))
        }
        return intervals
    }
}
