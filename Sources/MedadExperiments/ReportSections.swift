import Foundation
import MedadMetrics

/// The notebook's Markdown tables: results by label ratio, per test set and pooled, seen / unseen types,
/// per type, and cost.
extension Report {
    /// Header and separator of a table whose rows are backbone × method.
    static func header(_ columns: [String]) -> [String] {
        ["| backbone | method | " + columns.joined(separator: " | ") + " |", "|---|---|" + String(repeating: "---|", count: columns.count)]
    }

    static func markdownTable(_ table: ReportTable) -> String {
        var lines = Self.header(table.ratios.map { "r = \(ReportFormat.ratio($0))" } + ["rank"])
        for (r, row) in table.rows.enumerated() {
            let cells = table.entries[r].map(Self.cell)
            let rank = table.averageRanks[r].map(ReportFormat.rank) ?? "–"
            lines.append("| \(row.backbone) | \(row.method) | " + cells.joined(separator: " | ") + " | \(rank) |")
        }
        return lines.joined(separator: "\n")
    }

    /// Mean, ± std over replicates, [mean interval], bold when best in its column, \* when p < 0.05.
    static func cell(_ entry: ReportTable.Entry?) -> String {
        guard let entry else { return "–" }
        let bold = ReportField.mark("**", present: entry.best)
        let mean = bold + ReportFormat.metric(entry.mean) + bold
        let std = entry.std.map { " ± \(ReportFormat.metric($0))" } ?? ""
        let ci = entry.interval.map { " [\(ReportFormat.metric($0.low)), \(ReportFormat.metric($0.high))]" } ?? ""
        return mean + std + ci + ReportField.mark(" \\*", present: (entry.pValue ?? 1) < 0.05)
    }

    /// Rows backbone × method × label ratio; a column per test set, then the pooled one ("—" for a
    /// metric that does not pool). A method not run at a ratio (no test set has it) has no row.
    static func testSetTable(_ breakdown: TestSetBreakdown) -> String {
        var lines = Self.header(["r"] + breakdown.testSets.map(\.title) + ["pooled"])
        let layout = breakdown.perTestSet[0]
        for (r, row) in layout.rows.enumerated() {
            for (c, ratio) in layout.ratios.enumerated() where breakdown.perTestSet.contains(where: { $0.entries[r][c] != nil }) {
                let cells = breakdown.perTestSet.map { Self.cell($0.entries[r][c]) } + [breakdown.pooled.map { Self.cell($0.entries[r][c]) } ?? "—"]
                lines.append("| \(row.backbone) | \(row.method) | \(ReportFormat.ratio(ratio)) | " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Rows backbone × method; a column per label ratio and metric (ratio outer), each cell one pooled
    /// table's entry (`TestSetBreakdown.pooledTable`, all over the same rows and ratios).
    static func pooledTable(_ tables: [ReportTable]) -> String {
        let columns = tables[0].ratios.indices.flatMap { c in tables.map { (table: $0, c: c) } }
        var lines = Self.header(columns.map { "`\($0.table.metric)` r = \(ReportFormat.ratio($0.table.ratios[$0.c]))" })
        for (r, row) in tables[0].rows.enumerated() {
            let cells = columns.map { Self.cell($0.table.entries[r][$0.c]) }
            lines.append("| \(row.backbone) | \(row.method) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    static func seenUnseenTable(_ records: [RunRecord], rows: [ReportTable.Row], ratios: [Double]) -> String {
        var lines = Self.header(ratios.map { "r = \(ReportFormat.ratio($0))" })
        for row in rows {
            let cells = ratios.map { ratio -> String in
                let runs = records.filter { $0.backbone == row.backbone && $0.method == row.method && $0.labelRatio == ratio }
                let seen = ReportFormat.mean(runs.compactMap { $0.metric("seen.sample.ap") }).map(ReportFormat.metric) ?? "–"
                let unseen = ReportFormat.mean(runs.compactMap { $0.metric("unseen.sample.ap") }).map(ReportFormat.metric) ?? "–"
                return "\(seen) / \(unseen)"
            }
            lines.append("| \(row.backbone) | \(row.method) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// The anomaly types of the runs' test sets by name, with whether training saw them.
    static func anomalyTypes(_ records: [RunRecord]) -> [(name: String, seen: Bool)] {
        records.flatMap(\.anomalyTypes).reduce(into: [(name: String, seen: Bool)]()) { list, type in
            if !list.contains(where: { $0.name == type.name }) { list.append(type) }
        }.sorted { $0.name < $1.name }
    }

    static func perTypeTable(_ records: [RunRecord], rows: [ReportTable.Row], ratio: Double, types: [(name: String, seen: Bool)],
                             metric: String = "sample.ap") -> String {
        var lines = Self.header(types.map { "\($0.name) (\($0.seen ? "seen" : "unseen"))" })
        for row in rows {
            let runs = records.filter { $0.backbone == row.backbone && $0.method == row.method && $0.labelRatio == ratio }
            let cells = types.map { type -> String in
                let values = runs.compactMap { $0.metric("per_type.\(type.name).\(metric)") }
                guard let mean = ReportFormat.mean(values) else { return "–" }
                let std = Statistics.meanAndStd(values).std.number.map { " ± \(ReportFormat.metric($0))" } ?? ""
                return ReportFormat.metric(mean) + std
            }
            lines.append("| \(row.backbone) | \(row.method) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// The per-type table of one metric and label ratio with its caption, then, when the experiment
    /// names a reference backbone, the same divided by it: as the notebook and a paper's view show them.
    static func perTypeParagraphs(_ records: [RunRecord], rows: [ReportTable.Row], ratio: Double, types: [(name: String, seen: Bool)],
                                  metric: String, reference: String?, legend: ReportLegend) -> [String] {
        ["Label ratio \(ReportFormat.ratio(ratio)):", perTypeTable(records, rows: rows, ratio: ratio, types: types, metric: metric)]
            + (reference.map {
                [legend.againstBackbone($0), backboneRatioTable(records, rows: rows, ratio: ratio, types: types, metric: metric, reference: $0)]
            } ?? [])
    }

    /// Rows backbone × method other than `reference`'s; columns the metric over all types, then each
    /// type: the row's mean over the reference backbone's, both over the replicates (seed and test
    /// set) they share at the same method and label ratio, with its 95% interval paired by seed in
    /// brackets when they share several seeds (lower end at least 0: the metrics are not negative).
    static func backboneRatioTable(_ records: [RunRecord], rows: [ReportTable.Row], ratio: Double, types: [(name: String, seen: Bool)],
                                   metric: String, reference: String) -> String {
        let paths = [metric] + types.map { "per_type.\($0.name).\(metric)" }
        var lines = Self.header(["all types"] + types.map(\.name))
        for row in rows where row.backbone != reference && records.contains(where: { $0.backbone == reference && $0.method == row.method }) {
            func values(_ backbone: String, _ path: String) -> [RunRecord.Replicate: Double] {
                Dictionary(records.filter { $0.backbone == backbone && $0.method == row.method && $0.labelRatio == ratio }
                    .compactMap { run in run.metric(path).map { (run.replicate, $0) } }, uniquingKeysWith: { first, _ in first })
            }
            let cells = paths.map { path -> String in
                let mine = values(row.backbone, path), theirs = values(reference, path)
                let shared = mine.keys.filter { theirs[$0] != nil }
                guard let own = ReportFormat.mean(shared.map { mine[$0]! }), let base = ReportFormat.mean(shared.map { theirs[$0]! }),
                      base > 0 else { return "–" }
                // Seeds are the independent draws: a leave-one-volume-out seed's test sets are averaged first.
                let seeds = Dictionary(grouping: shared, by: \.seed).values.map { replicates in
                    (mine: ReportFormat.mean(replicates.map { mine[$0]! })!, theirs: ReportFormat.mean(replicates.map { theirs[$0]! })!)
                }
                guard seeds.count > 1 else { return ReportFormat.times(own / base) }
                let interval = PairedRatioInterval.of(seeds.map(\.mine), over: seeds.map(\.theirs)).bounds
                    .map { " [\(ReportFormat.times(max(0, $0.low))), \(ReportFormat.times($0.high))]" } ?? " [unbounded]"
                return ReportFormat.times(own / base) + interval
            }
            lines.append("| \(row.backbone) | \(row.method) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    static func costTable(_ records: [RunRecord], rows: [ReportTable.Row]) -> String {
        var lines = Self.header(["parameters", "train s (mean per run)", "eval s (mean per run)", "runs"])
        for row in rows {
            let runs = records.filter { $0.backbone == row.backbone && $0.method == row.method }
            let parameters = runs.compactMap(\.parameters).first.map(String.init) ?? "–"
            let train = ReportFormat.mean(runs.compactMap(\.trainSeconds)).map(ReportFormat.seconds) ?? "–"
            let eval = ReportFormat.mean(runs.compactMap(\.evalSeconds)).map(ReportFormat.seconds) ?? "–"
            lines.append("| \(row.backbone) | \(row.method) | \(parameters) | \(train) | \(eval) | \(runs.count) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// Markdown assembled line by line with blank lines between blocks.
struct Notebook {
    private(set) var text = ""

    mutating func raw(_ line: String) { text += line + "\n" }
    mutating func line(_ paragraph: String) { text += paragraph + "\n\n" }
    mutating func heading(_ title: String, level: Int = 2) { line(String(repeating: "#", count: level) + " " + title) }
    mutating func code(_ language: String, _ body: String) { line("```\(language)\n\(body)\n```") }

    /// Cells not finished, with why: failed with its reason, or not run.
    mutating func missingCells(_ missing: [(id: String, status: CellStatus)]) {
        raw("| cell | status |\n|---|---|")
        for (id, status) in missing {
            if case .failed(let reason) = status { raw("| `\(id)` | failed: \(Self.cell(reason)) |") } else { raw("| `\(id)` | not run |") }
        }
        line("")
    }

    /// Table-cell safe: no pipes or newlines.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
