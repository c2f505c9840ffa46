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
    @Option(help: "Decision threshold chosen on validation data (pixel task: Dice at threshold).") var threshold: Double?
    @Option(help: "Bootstrap resamples for the confidence intervals.") var resamples = 1000
    @Option(help: "Bootstrap seed.") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func validate() throws {
        guard MOODTask(rawValue: task) != nil else { throw ValidationError("--task must be sample or pixel, got '\(task)'") }
        guard resamples > 0 else { throw ValidationError("--resamples must be positive, got \(resamples)") }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
    }

    func run() throws {
        global.apply()
        let options = MOODScoringOptions(bootstrap: Bootstrap(resamples: resamples, seed: seed), threshold: threshold)
        let predictions = URL(fileURLWithPath: pred), labels = URL(fileURLWithPath: label)
        let report: MOODScoreReport
        switch MOODTask(rawValue: task)! {
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
        let volume = try Nifti.read(url).volume
        return ScoreVolume(dims: volume.dims, voxels: volume.voxels)
    }
}
