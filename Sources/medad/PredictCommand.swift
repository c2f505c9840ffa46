import ArgumentParser
import Foundation
import MedadMethods
import MedadMetrics
import MedadMOOD

/// `medad predict`: the MOOD challenge's prediction step over a folder of volumes.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict every INPUT/*.nii.gz in the MOOD format: <name>.nii.gz maps (pixel) or <name>.nii.gz.txt scores (sample).",
        discussion: """
        Maps and scores are calibrated into [0, 1] on the run's validation scores. A pixel map is float32 with the \
        input's header (shape, pixdim, qform, sform). A file that cannot be read or predicted is reported on stderr \
        and skipped; the others are still predicted. Exit status: 0 when every file was predicted, else the number \
        of failed files (at most 125), after a last line "N of M files failed".
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "sample or pixel.") var task: String
    @Option(help: "Folder of <name>.nii.gz volumes.") var input: String
    @Option(help: "Folder for the predictions (created if missing).") var output: String
    @Option(help: "Trained run directory, or its checkpoints/best.safetensors.") var model: String
    @Option(help: "Intensity preset (default: the run's data.preset): mri (0.5th–99.5th percentile scaling, brain MRI) or ct (abdomen soft-tissue window W400/L40: [−160, 240] HU to [0, 1]).")
    var preset: String?

    func validate() throws {
        guard MOODTask(rawValue: task) != nil else { throw ValidationError("--task must be sample or pixel, got '\(task)'") }
        if let preset, IntensityPreset(rawValue: preset) == nil {
            throw ValidationError("--preset must be \(IntensityPreset.allCases.map(\.rawValue).joined(separator: " or ")), got '\(preset)'")
        }
    }

    func run() throws {
        global.apply()
        let predictor = try Runs.predictor(for: URL(fileURLWithPath: model))
        let preset = self.preset.flatMap(IntensityPreset.init(rawValue:)) ?? predictor.preset
        if preset != predictor.preset {
            printError("warning: --preset \(preset.rawValue), but the run was trained with \(predictor.preset.rawValue)")
        }
        let result = try MOODPrediction.predictFolder(
            input: URL(fileURLWithPath: input), output: URL(fileURLWithPath: output), task: MOODTask(rawValue: task)!,
            scoring: { try predictor.predict($0, preset: preset) }, workingCopies: VolumePredictor.workingCopies
        ) { outcome in
            switch outcome {
            case .predicted(let name, let score, let seconds):
                print("\(name)  score \(String(format: "%.4f", score))  \(String(format: "%.1f", seconds)) s")
            case .failed(let name, let reason):
                printError("skipped \(name): \(reason)")
            }
        }
        guard result.failures.isEmpty else {
            printError("\(result.failures.count) of \(result.inputs) files failed")
            throw ExitCode(Int32(min(result.failures.count, 125)))
        }
    }
}

/// One line on stderr (newlines inside a message become spaces, so each report stays one line).
