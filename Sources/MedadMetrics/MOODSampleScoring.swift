import Foundation
import MedadSupport

/// Everything `medad score` varies besides the folders.
public struct MOODScoringOptions: Sendable {
    public var bootstrap: Bootstrap
    /// A decision threshold chosen on validation data (Dice at threshold); nil leaves those metrics undefined.
    public var threshold: Double?
    /// A second method's prediction folder: adds paired tests of --pred against it to the report.
    public var versus: URL?

    public init(bootstrap: Bootstrap = Bootstrap(), threshold: Double? = nil, versus: URL? = nil) {
        self.bootstrap = bootstrap
        self.threshold = threshold
        self.versus = versus
    }
}

/// The sample task: one `<name>.nii.gz.txt` per case holding one number (label: 0 or 1).
public enum MOODSampleScoring {
    public static func score(predictions: URL, labels: URL, options: MOODScoringOptions = MOODScoringOptions()) throws -> MOODScoreReport {
        let loaded = try load(predictions: predictions, labels: labels)
        let ranked = try RankedScores(scores: loaded.scores, labels: loaded.labels, caseNames: loaded.names)
        let metrics = sampleMetrics(ranked.counts(), threshold: options.threshold)
        let intervals = options.bootstrap.intervals(strata: loaded.labels.map { $0 ? 1 : 0 }) { multiplicity in
            Dictionary(uniqueKeysWithValues: sampleMetrics(ranked.counts(multiplicity: multiplicity), threshold: options.threshold)
                .filter { !MOODScoreReport.thresholdNames.contains($0.name) }.map { ($0.name, $0.value) })
        }
        var report = MOODScoreReport(task: .sample, cases: loaded.names.count, anomalousCases: loaded.labels.filter { $0 }.count,
                                     metrics: metrics, intervals: intervals, bootstrap: options.bootstrap, threshold: options.threshold,
                                     warnings: loaded.warnings)
        if let versus = options.versus {
            let other = try load(predictions: versus, labels: labels)
            report.comparison = try MOODComparison.sample(scoresA: loaded.scores, scoresB: other.scores, labels: loaded.labels,
                                                          names: loaded.names, resamples: options.bootstrap.resamples,
                                                          seed: options.bootstrap.seed)
            report.warnings += other.warnings.map { "versus: " + $0 }
        }
        return report
    }

    /// The threshold `rule` picks from a validation prediction and label folder.
    public static func validationThreshold(_ rule: ThresholdRule, predictions: URL, labels: URL) throws -> Double {
        let loaded = try load(predictions: predictions, labels: labels)
        return try ThresholdSelection.choose(rule, scores: loaded.scores, labels: loaded.labels)
    }

    /// Case names, clipped scores (0 where missing) and labels, with the warnings of the challenge's rules.
    static func load(predictions: URL, labels: URL) throws -> (names: [String], scores: [Double], labels: [Bool], warnings: [String]) {
        let (cases, ignored) = try MOODFolders.cases(predictions: predictions, labels: labels)
        var warnings = ignored.map { "\($0): prediction has no label file (ignored)" }
        var scores: [Double] = [], truth: [Bool] = []
        for item in cases {
            truth.append(try readLabel(item.label))
            let (score, warning) = try readPrediction(item)
            scores.append(score)
            if let warning { warnings.append(warning) }
        }
        return (cases.map(\.name), scores, truth, warnings)
    }

    /// Every sample-level metric, headline first.
    /// With a threshold (chosen on validation data) also sensitivity, specificity and F1 at it.
    public static func sampleMetrics(_ counts: RankedCounts, threshold: Double? = nil) -> [(name: String, value: MetricValue)] {
        let best = counts.maxF1
        var metrics: [(name: String, value: MetricValue)] = [
            ("ap", counts.averagePrecision), ("auroc", counts.auroc), ("fpr_at_95_tpr", counts.fpr(atTPR: 0.95)),
        ]
        for level in [90, 95, 99] {
            metrics.append(("sensitivity_at_\(level)_specificity", counts.sensitivity(atSpecificity: Double(level) / 100)))
        }
        for level in [90, 95, 99] {
            metrics.append(("specificity_at_\(level)_sensitivity", counts.specificity(atSensitivity: Double(level) / 100)))
        }
        metrics.append(("max_f1", best.f1))
        metrics.append(("max_f1_threshold", best.threshold))
        if let threshold {
            let point = counts.operatingPoint(atThreshold: threshold)
            metrics.append(("sensitivity_at_threshold", point.sensitivity))
            metrics.append(("specificity_at_threshold", point.specificity))
            metrics.append(("f1_at_threshold", counts.f1(atThreshold: threshold)))
        }
        return metrics
    }

    static func readLabel(_ url: URL) throws -> Bool {
        guard let line = try MOODFolders.firstLine(url, role: "label") else { throw MedadError("\(url.path): label file is not readable text") }
        switch line {
        case "0": return false
        case "1": return true
        default: throw MedadError("\(url.path): label must be 0 or 1, got '\(line)'")
        }
    }

    /// The clipped score, or 0 with a warning when the prediction is missing or not a number (the
    /// challenge's rules); a prediction path that cannot be read is an error.
    static func readPrediction(_ item: MOODCase) throws -> (Double, String?) {
        guard FileManager.default.fileExists(atPath: item.prediction.path) else {
            return (0, "\(item.name): prediction missing, counted as 0")
        }
        guard let line = try MOODFolders.firstLine(item.prediction, role: "prediction"), let value = Double(line) else {
            return (0, "\(item.name): prediction is not a number, counted as 0")
        }
        guard value.isFinite else {
            throw MedadError("\(item.prediction.path): score is \(value); scores must be finite numbers")
        }
        return (min(max(value, 0), 1), nil)
    }
}
