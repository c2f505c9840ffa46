import Foundation
import MedadMetrics

/// The report's SVG figures: a metric against label ratio per backbone, and ROC and PR curves per
/// backbone (the largest label ratio, the lowest seed: one run per method, so the curves are real runs).
enum ReportPlots {
    /// The file of `metricVersusRatio`'s figure.
    static func fileName(metric: String, backbone: String) -> String {
        "\(ReportFormat.slug(metric))-vs-ratio-\(ReportFormat.slug(backbone)).svg"
    }

    /// Label ratios sit at evenly spaced positions (they span 0 to 1 unevenly) with their values as ticks.
    static func metricVersusRatio(_ table: ReportTable, backbone: String) -> String {
        let ticks = table.ratios.enumerated().map { (Double($0.offset), ReportFormat.ratio($0.element)) }
        let series = table.rows.enumerated().filter { $0.element.backbone == backbone }.map { r, row -> SVGChart.Series in
            let present = table.ratios.indices.compactMap { c in table.entries[r][c].map { (c, $0) } }
            return SVGChart.Series(name: row.method, points: present.map { (Double($0.0), $0.1.mean) },
                                   errors: present.map { $0.1.std ?? 0 })
        }
        return SVGChart(title: "\(table.metric) vs label ratio, \(backbone)", xLabel: "label ratio", yLabel: table.metric,
                        xTicks: ticks, xRange: 0...Double(Swift.max(table.ratios.count - 1, 1)), series: series).svg
    }

    /// ROC and PR curves of the given runs (one per method), from their test cases' volume scores.
    static func curves(_ runs: [RunRecord], backbone: String, ratio: Double) -> (roc: String, pr: String) {
        var roc: [SVGChart.Series] = [], pr: [SVGChart.Series] = []
        for run in runs {
            guard let counts = try? RankedCounts(scores: run.cases.map(\.score), labels: run.cases.map(\.label)),
                  counts.totalPositives > 0, counts.totalNegatives > 0 else { continue }
            var tp = 0, fp = 0
            var rocPoints = [(x: 0.0, y: 0.0)], prPoints = [(x: 0.0, y: 1.0)]
            for k in counts.thresholds.indices {
                tp += counts.positives[k]; fp += counts.negatives[k]
                rocPoints.append((Double(fp) / Double(counts.totalNegatives), Double(tp) / Double(counts.totalPositives)))
                prPoints.append((Double(tp) / Double(counts.totalPositives), Double(tp) / Double(tp + fp)))
            }
            roc.append(SVGChart.Series(name: run.method, points: rocPoints))
            pr.append(SVGChart.Series(name: run.method, points: prPoints))
        }
        let ticks = stride(from: 0.0, through: 1.0, by: 0.2).map { ($0, String(format: "%.1f", $0)) }
        let suffix = "\(backbone), label ratio \(ReportFormat.ratio(ratio))"
        return (SVGChart(title: "ROC, \(suffix)", xLabel: "false positive rate", yLabel: "true positive rate",
                         xTicks: ticks, xRange: 0...1, series: roc).svg,
                SVGChart(title: "PR, \(suffix)", xLabel: "recall", yLabel: "precision",
                         xTicks: ticks, xRange: 0...1, series: pr).svg)
    }
}
