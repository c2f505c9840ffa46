import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadTraining

/// Tiny phantom runs: 16³ volumes at model size 16, a dozen subjects, a few steps.
enum RunFixtures {
    static func config(method: String, backbone: String = "cnn-s", steps: Int = 6, extra: String = "") -> JSONValue {
        let text = """
        {"name": "t-\(method)", "seed": 3, "backbone": "\(backbone)", "method": {"name": "\(method)"\(extra)},
         "data": {"size": 16, "label_ratio": 0.5, "contamination": 0.2, "phantom": {"subjects": 12, "volume_size": 16}},
         "train": {"steps": \(steps), "batch": 4, "val_every": \(max(1, steps)), "warmup": 0},
         "eval": {"bootstrap": 20, "batch": 8, "examples": 1}}
        """
        return try! JSONParser.parse(text, source: "fixture")
    }

    static func directory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("medad-methods-tests-\(name)-\(UUID().uuidString)")
        return url
    }

    /// Trains and evaluates a run; returns its directory, outcome and result.
    static func trainAndEvaluate(_ config: JSONValue, name: String) throws -> (URL, TrainingOutcome, JSONValue) {
        let dir = directory(name)
        let outcome = try Runs.train(config: config, source: "fixture", directory: dir, resume: false, progress: .silent)
        return (dir, outcome, try Runs.evaluate(run: dir))
    }

    static func number(_ path: String, in value: JSONValue) -> Double? {
        if case .number(let n)? = ConfigComposition.value(at: path, in: value) { return n }
        return nil
    }

    /// Losses logged in train.jsonl, in step order.
    static func losses(_ dir: URL) throws -> [Double] {
        let text = try String(contentsOf: dir.appendingPathComponent("train.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").compactMap { line in
            let value = try JSONParser.parse(String(line), source: "train.jsonl")
            guard case .string("train")? = ConfigComposition.value(at: "kind", in: value) else { return nil }
            return number("loss", in: value)
        }
    }
}
