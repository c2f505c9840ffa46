import Foundation
import MedadSupport

/// One metric over runs of several methods on several datasets (or settings): mean ± std over the seeds
/// of each method and dataset, and each method's average rank across datasets (by mean, 1 = best).
public struct ResultSummary: Sendable {
    public struct Cell: Sendable {
        public let mean: MetricValue
        public let std: MetricValue
        public let runs: Int
    }

    /// In order of first appearance.
    public let methods: [String]
    public let datasets: [String]
    /// cells[dataset][method]; nil where a method has no run on a dataset.
    public let cells: [[Cell?]]
    /// Per method; undefined when some method lacks a dataset, since ranks would compare unlike sets.
    public let averageRanks: [MetricValue]

    public init(runs: [(method: String, dataset: String, value: Double)], higherIsBetter: Bool = true) {
        var methods: [String] = [], datasets: [String] = []
        for run in runs {
            if !methods.contains(run.method) { methods.append(run.method) }
            if !datasets.contains(run.dataset) { datasets.append(run.dataset) }
        }
        let cells = datasets.map { dataset in
            methods.map { method -> Cell? in
                let values = runs.filter { $0.method == method && $0.dataset == dataset }.map(\.value)
                guard !values.isEmpty else { return nil }
                let summary = Statistics.meanAndStd(values)
                return Cell(mean: summary.mean, std: summary.std, runs: values.count)
            }
        }
        self.methods = methods
        self.datasets = datasets
        self.cells = cells
        if let gap = datasets.indices.lazy.flatMap({ d in methods.indices.lazy.map { (d, $0) } }).first(where: { cells[$0.0][$0.1] == nil }) {
            let reason = "\(methods[gap.1]) has no run on \(datasets[gap.0])"
            averageRanks = methods.map { _ in .undefined(reason) }
        } else {
            let table = cells.map { row in row.map { $0!.mean.number! } }
            averageRanks = Statistics.averageRanks(table, higherIsBetter: higherIsBetter).map { .value($0) }
        }
    }

    /// The number under `metric` in a `medad score --json` report; throws naming the file when it is
    /// missing, null (with the report's reason) or not a number.
    public static func metric(_ metric: String, inReport data: Data, file: String) throws -> Double {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MedadError("\(file): not a JSON object (expected a medad score --json report)")
        }
        if let value = object[metric] as? Double { return value }
        if object[metric] is NSNull {
            let reason = (object["undefined"] as? [String: String])?[metric] ?? "no reason given"
            throw MedadError("\(file): \(metric) is undefined (\(reason))")
        }
        throw MedadError("\(file): no number under '\(metric)'")
    }
}
