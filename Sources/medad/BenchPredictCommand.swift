import ArgumentParser
import Foundation
import MedadMethods
import MedadMOOD
import MedadZoo

/// `medad bench predict`: seconds and peak memory of MOOD pixel prediction of one volume.
struct BenchPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Time pixel prediction of one volume as `medad predict` does it (read, predict, write) and report peak memory.",
        discussion: """
        Without --model, a run of --backbone (method ae unless --set says otherwise) is trained for one step on tiny \
        phantoms (as fast as any trained run of that backbone, method and --input-size). Without --file, a brain phantom of --size³ is written to a scratch folder. \
        The peak (VmHWM) is reset before the timed prediction, so it excludes that set-up.
        """
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Edge of the phantom volume (without --file).") var size = 256
    @Option(help: "A .nii.gz volume to predict instead of a phantom.") var file: String?
    @Option(help: "Backbone of the throwaway run (without --model), 2D or volumetric (cnn3d-s, vit3d-s, mamba3d-s).") var backbone = "cnn-s"
    @Option(help: "Model input side of the throwaway run (slices are resampled to it; for a volumetric backbone the volume, to its cube, tiled by data.patch³ patches, 64 unless --set data.patch=…).") var inputSize = 128
    @Option(help: "Slicing axis of the throwaway run.") var axis = 2
    @Option(name: .customLong("set"), help: "Override a key of the throwaway run's config, e.g. --set method.name=ddpm (repeatable).")
    var assignments: [String] = []
    @Option(help: "Trained run directory to time instead of a throwaway run.") var model: String?
    @Option(help: "Intensity preset: mri or ct.") var preset = IntensityPreset.mriPercentile.rawValue
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func validate() throws {
        guard (8...1024).contains(size) else { throw ValidationError("--size must be in 8...1024, got \(size)") }
        guard IntensityPreset(rawValue: preset) != nil else { throw ValidationError("--preset must be mri or ct, got '\(preset)'") }
    }

    func run() throws {
        global.apply()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("medad-bench-predict-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let setupStart = Date()
        let run = try model.map { URL(fileURLWithPath: $0) }
            ?? PredictionBenchmark.throwawayRun(backbone: backbone, inputSize: inputSize, axis: axis, overrides: assignments,
                                                directory: scratch.appendingPathComponent("run"))
        let predictor = try Runs.predictor(for: run)
        let input = try file.map { URL(fileURLWithPath: $0) } ?? PredictionBenchmark.phantomFile(size: size, folder: scratch)
        let setupSeconds = Date().timeIntervalSince(setupStart)
        let result = try PredictionBenchmark.run(file: input, predictor: predictor, preset: IntensityPreset(rawValue: preset)!,
                                                 scratch: scratch.appendingPathComponent("pred"))
        let peakMB = result.peakResidentBytes.map { Double($0) / 1_048_576 }
        let threads = global.resolvedThreads
        if json {
            try printJSON([
                "dims": result.dims, "seconds": result.seconds, "predict_seconds": result.predictSeconds,
                "peak_rss_mb": peakMB ?? NSNull(), "threads": threads, "model": model ?? "throwaway \(backbone) run", "set": assignments,
                "input_size": model == nil ? inputSize : NSNull(), "setup_seconds": setupSeconds,
            ] as [String: Any])
        } else {
            let grid = try Backbone(named: backbone).dims == 3 ? "\(inputSize)³" : "\(inputSize)²"
            print("volume \(result.dims.map(String.init).joined(separator: "×")), \(model ?? "throwaway \(backbone) run at \(grid)"), \(threads) threads")
            print("read + predict + write: \(String(format: "%.2f", result.seconds)) s (model \(String(format: "%.2f", result.predictSeconds)) s)")
            print("peak RSS: " + (peakMB.map { String(format: "%.0f MB", $0) } ?? "unavailable"))
        }
    }
}
