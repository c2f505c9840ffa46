import Foundation
import MedadSupport

/// Reads one volume (prediction or label) for the pixel task; the CLI passes the NIfTI reader, which
/// keeps MedadMetrics free of file formats.
public typealias MOODVolumeLoader = (URL) throws -> ScoreVolume

/// The pixel task: one `<name>.nii.gz` volume per case; the headline is AP over all voxels of all cases.
public enum MOODPixelScoring {
    /// Volume-sized float32 arrays held while a case is summarised (its label, its prediction and the
    /// summary's sorted scores): `medad score --task pixel` on a 256³ case peaked 5.0 × 64 MiB above its
    /// baseline. A loader checks each volume it reads against this many (see `Nifti.read`).
    public static let workingCopies = 5

    public static func score(predictions: URL, labels: URL, loader: MOODVolumeLoader,
                             options: MOODScoringOptions = MOODScoringOptions()) throws -> MOODScoreReport {
        let (summaries, warnings) = try summarise(predictions: predictions, labels: labels, loader: loader)
        var report = score(summaries: summaries, warnings: warnings, options: options)
        if let versus = options.versus {
            let other = try summarise(predictions: versus, labels: labels, loader: loader)
            report.comparison = MOODComparison.pixel(summaries, versus: other.summaries, threshold: options.threshold,
                                                     resamples: options.bootstrap.resamples, seed: options.bootstrap.seed)
            report.warnings += other.warnings.map { "versus: " + $0 }
        }
        return report
    }

    /// The voxel threshold `rule` picks from a validation prediction and label folder (percentile of the
    /// normal voxels' scores, or the F1-optimal threshold over all voxels).
    public static func validationThreshold(_ rule: ThresholdRule, predictions: URL, labels: URL,
                                           loader: MOODVolumeLoader) throws -> Double {
        let (summaries, _) = try summarise(predictions: predictions, labels: labels, loader: loader)
        return try ThresholdSelection.choose(rule, counts: PixelCaseSummary.pooledCounts(summaries, multiplicity: nil))
    }

    /// Every case of the folders summarised under the challenge's rules, with the warnings.
    public static func summarise(predictions: URL, labels: URL, loader: MOODVolumeLoader) throws
        -> (summaries: [PixelCaseSummary], warnings: [String]) {
        let (cases, ignored) = try MOODFolders.cases(predictions: predictions, labels: labels)
        var warnings = ignored.map { "\($0): prediction has no label file (ignored)" }
        var summaries: [PixelCaseSummary] = []
        for item in cases {
            let label = try loader(item.label)
            let prediction: [Float]?
            if !FileManager.default.fileExists(atPath: item.prediction.path) {
                prediction = nil
                warnings.append("\(item.name): prediction missing, counted as all zeros")
            } else {
                // Unlike the challenge script, an unreadable prediction (corrupt, NaN voxels) is an error
                // naming the file rather than silently zero.
                let volume = try loader(item.prediction)
                if volume.dims == label.dims {
                    prediction = volume.voxels
                } else {
                    prediction = nil
                    warnings.append("\(item.name): prediction has shape \(volume.dims), label \(label.dims); counted as all zeros")
                }
            }
            summaries.append(try PixelCaseSummary(name: item.name, prediction: prediction, label: label))
        }
        return (summaries, warnings)
    }

    /// The report from cases already summarised (volumes loaded by the caller).
    public static func score(summaries: [PixelCaseSummary], warnings: [String] = [],
                             options: MOODScoringOptions = MOODScoringOptions()) -> MOODScoreReport {
        let perCase = summaries.map { summary -> (ap: MetricValue, dice: MetricValue) in
            let counts = summary.counts
            return (counts.averagePrecision, options.threshold.map { counts.f1(atThreshold: $0) } ?? .undefined("no threshold"))
        }
        let metrics = pixelMetrics(summaries, perCase: perCase, multiplicity: nil, threshold: options.threshold)
        let intervals = options.bootstrap.intervals(strata: summaries.map { $0.anomalousVoxels > 0 ? 1 : 0 }) { multiplicity in
            Dictionary(uniqueKeysWithValues: pixelMetrics(summaries, perCase: perCase, multiplicity: multiplicity,
                                                          threshold: options.threshold)
                .filter { !MOODScoreReport.thresholdNames.contains($0.name) }.map { ($0.name, $0.value) })
        }
        return MOODScoreReport(task: .pixel, cases: summaries.count,
                               anomalousCases: summaries.filter { $0.anomalousVoxels > 0 }.count,
                               metrics: metrics, intervals: intervals, bootstrap: options.bootstrap, threshold: options.threshold,
                               warnings: warnings)
    }

    /// Every pixel-level metric, headline first, with case i counted `multiplicity[i]` times.
    static func pixelMetrics(_ summaries: [PixelCaseSummary], perCase: [(ap: MetricValue, dice: MetricValue)],
                             multiplicity: [Int]?, threshold: Double?) -> [(name: String, value: MetricValue)] {
        let pooled = PixelCaseSummary.pooledCounts(summaries, multiplicity: multiplicity)
        let best = pooled.maxF1
        let noThreshold = MetricValue.undefined("no threshold given (choose one on validation data: --threshold)")
        let froc = FROC(curves: summaries.map(\.lesionCurve), multiplicity: multiplicity)
        var metrics: [(name: String, value: MetricValue)] = [
            ("ap", pooled.averagePrecision),
            ("auroc", pooled.auroc),
            ("mean_case_ap", weightedMean(perCase.map(\.ap), multiplicity, what: "no case holds anomalous voxels")),
            ("dice_at_threshold", threshold.map { pooled.f1(atThreshold: $0) } ?? noThreshold),
            ("mean_case_dice_at_threshold",
             threshold == nil ? noThreshold : weightedMean(perCase.map(\.dice), multiplicity, what: "Dice undefined in every case")),
            ("best_dice", best.f1),
            ("best_dice_threshold", best.threshold),
            ("aupro_30", pooled.aupro(maxFPR: 0.3)),
        ]
        for rate in FROC.standardRates {
            metrics.append(("froc_sensitivity_at_\(rateName(rate))_fp", froc.sensitivity(atFalsePositivesPerVolume: rate)))
        }
        metrics.append(("froc_average", froc.averageSensitivity))
        return metrics
    }

    private static func rateName(_ rate: Double) -> String {
        rate == rate.rounded() ? String(Int(rate)) : String(rate)
    }

    /// Mean of the defined values, value i counted `multiplicity[i]` times.
    private static func weightedMean(_ values: [MetricValue], _ multiplicity: [Int]?, what: String) -> MetricValue {
        var sum = 0.0, count = 0
        for (i, value) in values.enumerated() {
            guard let v = value.number else { continue }
            let times = multiplicity?[i] ?? 1
            sum += Double(times) * v
            count += times
        }
        return count > 0 ? .value(sum / Double(count)) : .undefined(what)
    }
}
