import Foundation
import MedadMetrics
import MedadSupport

/// One metric over the sweep: rows backbone × method, columns label ratio, each entry mean ± std over
/// the replicates (seeds, and test sets in a leave-one-volume-out sweep), the mean of the replicates'
/// bootstrap 95% intervals, and a paired test against the reference.
public struct ReportTable {
    public struct Row: Equatable {
        public let backbone: String
        public let method: String
    }

    public struct Entry {
        public let mean: Double
        /// Sample std over replicates; nil with a single one.
        public let std: Double?
        public let replicates: Int
        /// Mean over replicates of each one's bootstrap 95% interval.
        public let interval: (low: Double, high: Double)?
        /// Two-sided p of the paired permutation test against the reference method (same backbone,
        /// ratio and replicates, shared test cases); nil for the reference itself or non-sample metrics.
        public let pValue: Double?
        /// Highest mean of its column.
        public let best: Bool
    }

    public let metric: String
    public let rows: [Row]
    public let ratios: [Double]
    /// entries[row][ratio]
    public let entries: [[Entry?]]
    /// Average rank of each row across the ratio columns (1 = best); nil where a row misses a column.
    public let averageRanks: [Double?]

    public init(metric: String, records: [RunRecord], rows: [Row], ratios: [Double], reference: String?, resamples: Int) {
        let groups = Self.groups(records)
        self.init(metric: metric, rows: rows, ratios: ratios) { row, ratio in
            let runs = (groups[GroupKey(backbone: row.backbone, method: row.method, ratio: ratio)] ?? []).sorted { $0.replicate < $1.replicate }
            let values = runs.compactMap { $0.metric(metric) }
            guard !values.isEmpty else { return nil }
            var p: Double?
            if let reference, reference != row.method {
                let references = groups[GroupKey(backbone: row.backbone, method: reference, ratio: ratio)] ?? []
                p = PairedSignificance.pValue(metric: metric, runs: runs, references: references, resamples: resamples)
            }
            return Replicates(values: values, intervals: runs.compactMap { $0.interval(metric) }, pValue: p)
        }
    }

    /// One cell's replicate values, their intervals and the test against the reference.
    struct Replicates {
        var values: [Double]
        var intervals: [(low: Double, high: Double)]
        var pValue: Double?
    }

    /// A table whose cells summarise what `replicates` gives for each row and ratio (nil: no value).
    init(metric: String, rows: [Row], ratios: [Double], replicates: (Row, Double) throws -> Replicates?) rethrows {
        self.metric = metric
        self.rows = rows
        self.ratios = ratios
        var means: [[Double?]] = []
        var entries: [[(Double, Double?, Int, (Double, Double)?, Double?)?]] = []
        for row in rows {
            var rowEntries: [(Double, Double?, Int, (Double, Double)?, Double?)?] = []
            for ratio in ratios {
                guard let cell = try replicates(row, ratio), !cell.values.isEmpty else { rowEntries.append(nil); continue }
                let summary = Statistics.meanAndStd(cell.values)
                let intervals = cell.intervals
                let interval = intervals.isEmpty ? nil
                    : (intervals.map(\.low).reduce(0, +) / Double(intervals.count), intervals.map(\.high).reduce(0, +) / Double(intervals.count))
                rowEntries.append((summary.mean.number!, summary.std.number, cell.values.count, interval, cell.pValue))
            }
            means.append(rowEntries.map { $0?.0 })
            entries.append(rowEntries)
        }
        let columnBest = ratios.indices.map { c in means.compactMap { $0[c] }.max() }
        self.entries = entries.map { row in
            row.enumerated().map { c, entry in
                entry.map { Entry(mean: $0.0, std: $0.1, replicates: $0.2, interval: $0.3, pValue: $0.4, best: $0.0 == columnBest[c]) }
            }
        }
        if !means.isEmpty, means.allSatisfy({ $0.allSatisfy { $0 != nil } }), !ratios.isEmpty {
            let table = ratios.indices.map { c in means.map { $0[c]! } }
            averageRanks = Statistics.averageRanks(table).map { $0 }
        } else {
            averageRanks = rows.map { _ in nil }
        }
    }

    static func groups(_ records: [RunRecord]) -> [GroupKey: [RunRecord]] {
        Dictionary(grouping: records) { GroupKey(backbone: $0.backbone, method: $0.method, ratio: $0.labelRatio) }
    }

    struct GroupKey: Hashable {
        let backbone: String
        let method: String
        let ratio: Double
    }

    /// Rows and columns in the order the sweep declares them (first appearance among the records).
    public static func layout(_ records: [RunRecord]) -> (rows: [Row], ratios: [Double]) {
        layout(records.map { GroupKey(backbone: $0.backbone, method: $0.method, ratio: $0.labelRatio) })
    }

    /// Rows and columns in order of first appearance among `keys`, rows grouped by backbone.
    static func layout(_ keys: [GroupKey]) -> (rows: [Row], ratios: [Double]) {
        var rows: [Row] = [], ratios: [Double] = []
        for key in keys {
            let row = Row(backbone: key.backbone, method: key.method)
            if !rows.contains(row) { rows.append(row) }
            if !ratios.contains(key.ratio) { ratios.append(key.ratio) }
        }
        let backbones = rows.map(\.backbone).firstOccurrences()
        let methods = rows.map(\.method).firstOccurrences()
        rows.sort { (backbones.firstIndex(of: $0.backbone)!, methods.firstIndex(of: $0.method)!)
                  < (backbones.firstIndex(of: $1.backbone)!, methods.firstIndex(of: $1.method)!) }
        return (rows, ratios.sorted())
    }
}

/// Paired permutation test of a sample-level metric between a method's runs and the reference's runs
/// of the same replicates (seed and test set): cases are matched by name, swaps happen within a
/// replicate, and the statistic is the mean over replicates of the metric difference. `pooled` makes
/// a replicate a seed whose cases are the union over its test sets (each test set's cases matched with
/// the reference's run on that test set), as a pooled column computes its value.
enum PairedSignificance {
    static func pValue(metric: String, runs: [RunRecord], references: [RunRecord], resamples: Int, pooled: Bool = false) -> Double? {
        guard metric.hasPrefix("sample."), let ranking = rankingMetric(String(metric.dropFirst("sample.".count))) else { return nil }
        let statistic = { (counts: RankedCounts) in ranking(counts).number }
        var pairs: [(a: [Double], b: [Double], labels: [Bool])] = []
        let replicates = Dictionary(grouping: runs) { pooled ? RunRecord.Replicate(seed: $0.seed, testSet: nil) : $0.replicate }
        for (_, group) in replicates.sorted(by: { $0.key < $1.key }) {
            var pair: (a: [Double], b: [Double], labels: [Bool]) = ([], [], [])
            // A replicate counts only when every run of it has its reference: a pooled one compares whole unions.
            guard group.allSatisfy({ run in references.contains { $0.replicate == run.replicate } }) else { continue }
            for run in group.sorted(by: { $0.replicate < $1.replicate }) {
                let reference = references.first { $0.replicate == run.replicate }!
                let referenceScores = Dictionary(reference.cases.map { ($0.name, $0.score) }, uniquingKeysWith: { first, _ in first })
                let shared = run.cases.filter { referenceScores[$0.name] != nil }
                pair.a += shared.map(\.score)
                pair.b += shared.map { referenceScores[$0.name]! }
                pair.labels += shared.map(\.label)
            }
            guard pair.labels.contains(true), pair.labels.contains(false) else { continue }
            pairs.append(pair)
        }
        guard !pairs.isEmpty else { return nil }
        let offsets = pairs.reduce(into: [0]) { $0.append($0.last! + $1.labels.count) }
        func value(_ scores: [Double], _ labels: [Bool]) -> Double {
            // Scores come from result.json numbers, which are finite, so ranking cannot fail.
            (try? RankedCounts(scores: scores, labels: labels)).flatMap(statistic) ?? 0
        }
        let test = PairedPermutationTest(cases: offsets.last!, resamples: resamples, seed: 0) { swapped in
            var total = 0.0
            for (k, pair) in pairs.enumerated() {
                let flags = swapped[offsets[k]..<offsets[k + 1]]
                let a = zip(flags, zip(pair.a, pair.b)).map { $0 ? $1.1 : $1.0 }
                let b = zip(flags, zip(pair.a, pair.b)).map { $0 ? $1.0 : $1.1 }
                total += value(a, pair.labels) - value(b, pair.labels)
            }
            return total / Double(pairs.count)
        }
        return test.pValue.number
    }
}

/// The ranking metrics that follow from a case ranking alone (`ap`, `auroc`), so paired tests and
/// pooling over test sets can recompute them from scores.
func rankingMetric(_ name: String) -> ((RankedCounts) -> MetricValue)? {
    switch name {
    case "ap": return { $0.averagePrecision }
    case "auroc": return { $0.auroc }
    default: return nil
    }
}
