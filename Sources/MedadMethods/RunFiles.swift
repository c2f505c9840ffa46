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

    static func best(_ directory: URL) -> URL { TrainingCheckpoint.bestWeights(directory) }

    /// The resolved config of the run in `directory`; `missing` is the error when it has none.
    static func runConfig(in directory: URL, missing: @autoclosure () -> MedadError) throws -> RunConfig {
        let url = directory.appendingPathComponent(config)
        guard FileManager.default.fileExists(atPath: url.path) else { throw missing() }
        return try RunConfig(JSONParser.parse(file: url), source: url.path)
    }

    /// training.json: the outcome of the loop.
    static func summary(_ outcome: TrainingOutcome) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("status", .string(outcome.status.name))]
        if case .stoppedNonFinite(let step, let what) = outcome.status {
            pairs.append(("stopped", .string("non-finite \(what) at step \(step)")))
        }
        return .object(JSONObject(pairs + [
            ("steps", .number(Double(outcome.steps))), ("seconds", .number(outcome.seconds)),
            ("best_step", outcome.bestStep.map { .number(Double($0)) } ?? .null),
            ("best_score", outcome.bestScore.map { $0.isFinite ? .number($0) : .null } ?? .null),
        ]))
    }
}
