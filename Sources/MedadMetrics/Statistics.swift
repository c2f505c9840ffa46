import Foundation

/// Small summaries used across the evaluation: percentiles, mean ± std over seeds, average ranks.
public enum Statistics {
    /// numpy's default ("linear") percentile of ascending `sorted` values at fraction `q` in [0, 1].
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty && (0...1).contains(q), "percentile needs values and q in [0, 1]")
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }

    /// Mean and sample standard deviation (n - 1) of a metric over seeds.
    public static func meanAndStd(_ values: [Double]) -> (mean: MetricValue, std: MetricValue) {
        guard !values.isEmpty else { return (.undefined("no values"), .undefined("no values")) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (.value(mean), .undefined("one value only")) }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (.value(mean), .value((squares / Double(values.count - 1)).squareRoot()))
    }

    /// Average rank of each method (columns) across datasets or settings (rows); rank 1 is best,
    /// tied methods share the mean of their ranks.
    public static func averageRanks(_ table: [[Double]], higherIsBetter: Bool = true) -> [Double] {
        guard let methods = table.first?.count else { return [] }
        precondition(table.allSatisfy { $0.count == methods }, "every row needs one value per method")
        var sums = [Double](repeating: 0, count: methods)
        for row in table {
            let order = row.indices.sorted { higherIsBetter ? row[$0] > row[$1] : row[$0] < row[$1] }
            var start = 0
            while start < order.count {
                var end = start
                while end + 1 < order.count && row[order[end + 1]] == row[order[start]] { end += 1 }
                let shared = Double(start + end) / 2 + 1
                for position in start...end { sums[order[position]] += shared }
                start = end + 1
            }
        }
        return sums.map { $0 / Double(table.count) }
    }
}
