import Foundation

/// The result of `medad score`: every metric with its bootstrap interval, and the warnings.
///
/// JSON (keys sorted): `task`, `cases`, `anomalous_cases`, one key per metric holding a number or null,
/// `undefined` mapping each null metric (and `ci.<metric>` for a null interval) to its reason, `ci` mapping
/// each metric to [low, high] or null, `ci_method`, `threshold` (or null), `warnings`, and with a second
/// method `comparison` (differences and p-values, null with reason `comparison.<name>` when undefined).
public struct MOODScoreReport: Sendable {
    public let task: MOODTask
    public let cases: Int
    /// Sample task: cases labelled 1; pixel task: cases holding at least one anomalous voxel.
    public let anomalousCases: Int
    /// Every metric in report order; `ap` (the challenge's headline) first.
    public let metrics: [(name: String, value: MetricValue)]
    public let intervals: [String: ConfidenceInterval]
    public let bootstrap: Bootstrap
    /// The decision threshold of the "at threshold" metrics (chosen on validation data), if any.
    public let threshold: Double?
    public internal(set) var warnings: [String]
    /// Paired tests against a second method (`MOODScoringOptions.versus`), empty without one.
    public internal(set) var comparison: [(name: String, value: MetricValue)] = []

    /// Entries that are decision thresholds rather than performance, so they get no interval.
    public static let thresholdNames: Set<String> = ["max_f1_threshold", "best_dice_threshold"]

    public subscript(metric name: String) -> MetricValue? {
        metrics.first { $0.name == name }?.value
    }

    public var intervalMethod: String {
        "percentile bootstrap over cases, stratified by label: \(bootstrap.resamples) resamples, seed \(bootstrap.seed), "
            + "\(Int((bootstrap.level * 100).rounded()))%"
    }

    public func json() throws -> Data {
        var object: [String: Any] = [
            "task": task.rawValue, "cases": cases, "anomalous_cases": anomalousCases,
            "ci_method": intervalMethod, "warnings": warnings, "threshold": threshold ?? NSNull(),
        ]
        var undefined: [String: String] = [:], ci: [String: Any] = [:]
        for (name, value) in metrics {
            switch value {
            case .value(let v): object[name] = v
            case .undefined(let reason): object[name] = NSNull(); undefined[name] = reason
            }
        }
        for (name, interval) in intervals {
            switch interval {
            case .interval(let low, let high): ci[name] = [low, high]
            case .undefined(let reason): ci[name] = NSNull(); undefined["ci.\(name)"] = reason
            }
        }
        if !comparison.isEmpty {
            var tests: [String: Any] = [:]
            for (name, value) in comparison {
                tests[name] = value.jsonValue
                if let reason = value.undefinedReason { undefined["comparison.\(name)"] = reason }
            }
            object["comparison"] = tests
        }
        object["undefined"] = undefined
        object["ci"] = ci
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// A readable table: metric, value, interval; undefined metrics show their reason.
    public func table() -> String {
        let what = task == .sample ? "anomalous" : "with lesions"
        var lines = ["MOOD \(task.rawValue) task: \(cases) cases (\(anomalousCases) \(what))", ""]
        let width = max(metrics.map(\.name.count).max() ?? 0, 6)
        lines.append(pad("metric", width) + "  " + pad("value", 9) + "  95% CI")
        for (name, value) in metrics {
            let shown: String
            switch value {
            case .value(let v): shown = pad(format(v), 9) + "  " + intervalText(intervals[name])
            case .undefined(let reason): shown = "undefined: \(reason)"
            }
            lines.append(pad(name, width) + "  " + shown)
        }
        if !comparison.isEmpty {
            lines.append("")
            lines.append("versus the second method (A - B, paired tests):")
            for (name, value) in comparison {
                lines.append(pad(name, width) + "  " + (value.number.map(format) ?? "undefined: \(value.undefinedReason!)"))
            }
        }
        lines.append("")
        lines.append("CI: \(intervalMethod)")
        if let threshold { lines.append("threshold (from validation or --threshold): \(threshold)") }
        if !warnings.isEmpty {
            lines.append("warnings (\(warnings.count)):")
            lines += warnings.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    private func intervalText(_ interval: ConfidenceInterval?) -> String {
        switch interval {
        case .interval(let low, let high)?: return "[\(format(low)), \(format(high))]"
        case .undefined(let reason)?: return "undefined: \(reason)"
        case nil: return ""
        }
    }

    private func format(_ v: Double) -> String { String(format: "%.4f", v) }
    private func pad(_ s: String, _ width: Int) -> String { s.padding(toLength: max(width, s.count), withPad: " ", startingAt: 0) }
}
