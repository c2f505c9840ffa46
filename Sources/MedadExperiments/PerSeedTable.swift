import Foundation

/// A leave-one-volume-out table of each seed's pooled value: a mean ± std over seeds hides which seeds a
/// comparison wins, and a claim such as "better in 16 of 18 seed pairs" should be read off a table that
/// `report --check` compares, not counted by hand.
extension TestSetBreakdown {
    /// Rows backbone × method × label ratio (those with a value), a column per seed; a cell is the seed's
    /// value pooled over `testSets` test sets as the pooled view computes it, "–" where the seed misses
    /// one. nil for metrics that do not pool.
    static func perSeedTable(metric: String, records: [RunRecord], rows: [ReportTable.Row], ratios: [Double], testSets: Int) throws -> String? {
        guard poolable.contains(metric) else { return nil }
        let groups = ReportTable.groups(records)
        var cells: [(row: ReportTable.Row, ratio: Double, values: [Int: Double])] = []
        for row in rows {
            for ratio in ratios {
                let runs = groups[ReportTable.GroupKey(backbone: row.backbone, method: row.method, ratio: ratio)] ?? []
                var values: [Int: Double] = [:]
                for (seed, seedRuns) in completeSeeds(runs, testSets: testSets) {
                    values[seed] = try pooledValue(metric, seedRuns, resamples: nil)?.value
                }
                if !values.isEmpty { cells.append((row, ratio, values)) }
            }
        }
        let seeds = Set(cells.flatMap(\.values.keys)).sorted()
        var lines = Report.header(["r"] + seeds.map { "seed \($0)" })
        for cell in cells {
            let values = seeds.map { cell.values[$0].map(ReportFormat.metric) ?? "–" }
            lines.append("| \(cell.row.backbone) | \(cell.row.method) | \(ReportFormat.ratio(cell.ratio)) | " + values.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
