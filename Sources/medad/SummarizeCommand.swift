import ArgumentParser
import Foundation
import MedadMetrics
import MedadSupport

/// `medad summarize`: mean ± std over seeds and average ranks across datasets from `medad score --json` reports.
struct Summarize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mean ± std over seeds and average rank across datasets of one metric from medad score --json reports."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "The metric to summarise (a key of the reports, e.g. ap).") var metric = "ap"
    @Flag(help: "Rank lower values first (e.g. fpr_at_95_tpr).") var lowerIsBetter = false
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Argument(help: "Reports as METHOD:DATASET:FILE, one per run (seed).") var runs: [String]

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one METHOD:DATASET:FILE") }
        for run in runs where run.split(separator: ":", maxSplits: 2).count != 3 {
            throw ValidationError("'\(run)' is not METHOD:DATASET:FILE")
        }
    }

    func run() throws {
        global.apply()
        let values = try runs.map { run -> (method: String, dataset: String, value: Double) in
            let parts = run.split(separator: ":", maxSplits: 2).map(String.init)
            guard let data = FileManager.default.contents(atPath: parts[2]) else { throw MedadError("\(parts[2]): cannot read") }
            return (parts[0], parts[1], try ResultSummary.metric(metric, inReport: data, file: parts[2]))
        }
        let summary = ResultSummary(runs: values, higherIsBetter: !lowerIsBetter)
        if json {
            var object: [String: Any] = ["metric": metric, "methods": summary.methods, "datasets": summary.datasets]
            object["cells"] = summary.cells.map { row in
                row.map { cell -> Any in
                    guard let cell else { return NSNull() }
                    return ["mean": cell.mean.jsonValue, "std": cell.std.jsonValue, "runs": cell.runs] as [String: Any]
                }
            }
            object["average_rank"] = summary.averageRanks.map(\.jsonValue)
            try printJSON(object)
            return
        }
        print("\(metric): mean ± std over runs; average rank across datasets (1 = best)")
        print((["dataset"] + summary.methods).joined(separator: "\t"))
        for (d, dataset) in summary.datasets.enumerated() {
            let shown = summary.cells[d].map { cell -> String in
                guard let cell else { return "-" }
                let mean = cell.mean.number.map { String(format: "%.4f", $0) } ?? "undefined"
                return mean + (cell.std.number.map { String(format: " ± %.4f", $0) } ?? "") + " (n=\(cell.runs))"
            }
            print(([dataset] + shown).joined(separator: "\t"))
        }
        print((["avg rank"] + summary.averageRanks.map { $0.number.map { String(format: "%.2f", $0) } ?? "undefined: \($0.undefinedReason!)" })
            .joined(separator: "\t"))
    }
}
