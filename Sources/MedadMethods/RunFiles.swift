import Foundation
import MedadConfig
import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining

/// Names and readers of the files in a run directory.
enum RunFiles {
    static let config = "config.json"
    static let manifest = "manifest.json"
    static let training = "training.json"
    static let calibration = "calibration.json"
    static let result = "result.json"
    static let examples = "examples.safetensors"

    static func best(_ directory: URL) -> URL {
        directory.appendingPathComponent("checkpoints").appendingPathComponent("best.safetensors")
    }

    /// Loads a checkpoint into `model`: the EMA copy `ema.<name>` of a parameter when the loop kept
    /// one (validation and model selection ran on those weights), else `<name>`; optimizer state is skipped.
    static func loadWeights(_ model: Module, from url: URL) throws {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MedadError("\(url.path): no checkpoint (the run has not trained, or stopped before its first validation)")
        }
        let stored = try SafeTensors.read(url).tensors
        var chosen: [String: Tensor] = [:]
        for (name, _) in model.namedParameters() {
            if let tensor = stored["ema." + name] ?? stored[name] { chosen[name] = tensor }
        }
        do { try model.load(parameters: chosen) } catch let error as MedadError {
            throw MedadError("\(url.path): \(error.message)")
        }
    }

    /// training.json: the outcome of the loop.
    static func summary(_ outcome: TrainingOutcome) -> JSONValue {
        let status: String
        switch outcome.status {
        case .completed: status = "completed"
        case .stoppedNonFinite(let step, let what): status = "stopped: non-finite \(what) at step \(step)"
        }
        return .object(JSONObject([
            ("status", .string(status)), ("steps", .number(Double(outcome.stepsDone))), ("seconds", .number(outcome.seconds)),
            ("best_step", outcome.bestStep.map { .number(Double($0)) } ?? .null),
            ("best_score", outcome.bestScore.map { $0.isFinite ? .number($0) : .null } ?? .null),
        ]))
    }
}
