import ArgumentParser
import Foundation
import MedadMetrics
import MedadVolumes

/// `medad score`: the MOOD challenge's evaluation of a prediction folder, with every metric and its CI.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a MOOD prediction folder against a label folder (sample: <name>.nii.gz.txt, pixel: <name>.nii.gz).",
        discussion: """
        Predictions are clipped to [0, 1]; a missing prediction, or one of the wrong shape, counts as all zeros and \
        is listed as a warning. The headline `ap` is the challenge's metric (sample AP, or AP over all voxels pooled).
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "sample or pixel.") var task: String
    @Option(help: "Folder of predictions.") var pred: String
    @Option(help: "Folder of labels.") var label: String
    @Option(help: "Decision threshold chosen on validation data (metrics at threshold, e.g. Dice).") var threshold: Double?
    @Option(help: "Validation prediction folder to choose the threshold on (with --val-label).") var valPred: String?
    @Option(help: "Validation label folder (may hold only normal cases with --threshold-rule pNN).") var valLabel: String?
    @Option(help: "How --val-pred/--val-label pick the threshold: f1 (F1-optimal, default) or pNN (NN-th percentile of normal scores).")
    var thresholdRule: String?
    @Option(help: "Bootstrap resamples for the confidence intervals.") var resamples = 1000
    @Option(help: "Bootstrap seed.") var seed: UInt64 = 0
    @Option(help: "A second method's prediction folder: adds paired tests (DeLong, permutation) of --pred against it.")
    var versus: String?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard MOODTask(rawValue: task) != nil else { throw ValidationError("--task must be sample or pixel, got '\(task)'") }
        let allowed = Bootstrap.allowedResamples
        guard allowed.contains(resamples) else {
            throw ValidationError("--resamples must be a whole number in \(allowed.lowerBound)...\(allowed.upperBound), got \(resamples)")
        }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
        guard (valPred == nil) == (valLabel == nil) else { throw ValidationError("--val-pred and --val-label go together") }
        if threshold != nil && valPred != nil { throw ValidationError("give either --threshold or validation folders, not both") }
        if let thresholdRule, valPred == nil {
            throw ValidationError("--threshold-rule \(thresholdRule) picks the threshold on --val-pred and --val-label; give them too")
        }
        _ = try rule()
    }

    func rule() throws -> ThresholdRule {
        let thresholdRule = self.thresholdRule ?? "f1"
        if thresholdRule == "f1" { return .f1Optimal }
        if thresholdRule.hasPrefix("p"), let percent = Double(thresholdRule.dropFirst()), (0...100).contains(percent) {
            return .normalPercentile(percent)
        }
        throw ValidationError("--threshold-rule must be f1 or pNN with NN in 0...100 (e.g. p99), got '\(thresholdRule)'")
    }

    func run() throws {
        global.apply()
        let task = MOODTask(rawValue: task)!
        var chosen = threshold
        if let valPred, let valLabel {
            let (predictions, labels) = (URL(fileURLWithPath: valPred), URL(fileURLWithPath: valLabel))
            switch task {
            case .sample: chosen = try MOODSampleScoring.validationThreshold(try rule(), predictions: predictions, labels: labels)
            case .pixel: chosen = try MOODPixelScoring.validationThreshold(try rule(), predictions: predictions, labels: labels,
                                                                          loader: ScoreVolumeLoader.nifti)
            }
        }
        let options = MOODScoringOptions(bootstrap: Bootstrap(resamples: resamples, seed: seed), threshold: chosen,
                                         versus: versus.map { URL(fileURLWithPath: $0) })
        let predictions = URL(fileURLWithPath: pred), labels = URL(fileURLWithPath: label)
        let report: MOODScoreReport
        switch task {
        case .sample:
            report = try MOODSampleScoring.score(predictions: predictions, labels: labels, options: options)
        case .pixel:
            report = try MOODPixelScoring.score(predictions: predictions, labels: labels, loader: ScoreVolumeLoader.nifti,
                                                options: options)
        }
        print(json ? String(decoding: try report.json(), as: UTF8.self) : report.table())
    }
}

/// The pixel task reads predictions and labels through MedadVolumes' NIfTI reader.
enum ScoreVolumeLoader {
    static let nifti: MOODVolumeLoader = { url in
        let volume = try Nifti.read(url, workingCopies: MOODPixelScoring.workingCopies).volume
        return ScoreVolume(dims: volume.dims, voxels: volume.voxels)
    }
}
