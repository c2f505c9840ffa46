import Foundation
import MedadConfig
import MedadNN
import MedadSupport
import MedadTensor

/// The checkpoint files of a run directory and how to read them back.
///
/// `checkpoints/last.safetensors` holds the model parameters by name, `ema.<name>` (EMA on) and the
/// optimizer state as `optimizer.<slot>.<name>` (`optimizer.exp_avg.…`, `optimizer.exp_avg_sq.…`,
/// `optimizer.step.…`): everything a resumed run needs. `checkpoints/best.safetensors` holds only the
/// weights that scored best (the EMA weights when EMA is on) under the model's own names, ready for
/// inference. Each has a JSON sidecar (`last.json`, `best.json`).
public enum TrainingCheckpoint {
    public static let emaPrefix = "ema."
    public static let optimizerPrefix = "optimizer."
    /// Recorded in sidecars.
    public static let medadVersion = "0.1.0"

    public static func folder(_ run: URL) -> URL { run.appendingPathComponent("checkpoints") }
    public static func lastWeights(_ run: URL) -> URL { folder(run).appendingPathComponent("last.safetensors") }
    public static func lastSidecar(_ run: URL) -> URL { folder(run).appendingPathComponent("last.json") }
    public static func bestWeights(_ run: URL) -> URL { folder(run).appendingPathComponent("best.safetensors") }
    public static func bestSidecar(_ run: URL) -> URL { folder(run).appendingPathComponent("best.json") }

    /// The three parts of a checkpoint file's tensors.
    public struct Parts {
        public var model: [String: Tensor] = [:]
        public var ema: [String: Tensor] = [:]
        public var optimizer: [String: Tensor] = [:]

        public init(_ tensors: [String: Tensor]) {
            for (key, tensor) in tensors {
                if key.hasPrefix(emaPrefix) {
                    ema[String(key.dropFirst(emaPrefix.count))] = tensor
                } else if key.hasPrefix(optimizerPrefix) {
                    optimizer[String(key.dropFirst(optimizerPrefix.count))] = tensor
                } else {
                    model[key] = tensor
                }
            }
        }
    }

    /// Loads a checkpoint's weights into `model` (strict names and shapes; one-line error naming the
    /// file). `ema`: take the `ema.*` tensors of a last checkpoint instead of the raw parameters.
    public static func loadWeights(into model: Module, from url: URL, ema: Bool = false) throws {
        let parts = Parts(try SafeTensors.read(url).tensors)
        if ema && parts.ema.isEmpty { throw MedadError("\(url.path): has no ema.* tensors (was EMA on?)") }
        try load(ema ? parts.ema : parts.model, into: model, from: url)
    }

    /// Loads tensors already read from `url` into `model`, with loadWeights' checks and error line.
    public static func load(_ parameters: [String: Tensor], into model: Module, from url: URL) throws {
        do {
            try model.load(parameters: parameters)
        } catch let error as MedadError {
            throw MedadError("\(url.path): \(error.message)")
        }
    }

    /// The weights a finished run's last checkpoint holds, as selection rule `last` keeps them (the EMA
    /// weights when EMA was on), with their update count and validation score: a run trained under
    /// `best` read as if it had selected `last`, without training again.
    public static func lastValidated(_ run: URL) throws -> (tensors: [String: Tensor], step: Int, score: Double) {
        let sidecarURL = lastSidecar(run), weightsURL = lastWeights(run)
        let sidecar = try sidecar(sidecarURL)
        guard case .number(let step)? = sidecar["step"], case .number(let steps)? = sidecar["steps"], step == steps else {
            throw MedadError("\(sidecarURL.path): the last checkpoint is not the end of training; only a finished run's last weights can be selected")
        }
        let logURL = run.appendingPathComponent(TrainingLog.fileName)
        // The log writes a non-finite score as null, which `last` would not have kept either.
        guard let score = TrainingLog.validationScore(at: Int(step), in: logURL) else {
            throw MedadError("\(logURL.path): no finite validation score at step \(Int(step)), the last checkpoint's; its weights cannot be selected")
        }
        let parts = Parts(try SafeTensors.read(weightsURL).tensors)
        let ema = sidecar["ema"] == .bool(true)
        if ema && parts.ema.isEmpty { throw MedadError("\(weightsURL.path): has no ema.* tensors, though the run trained with EMA") }
        return (ema ? parts.ema : parts.model, Int(step), score)
    }

    /// A sidecar's JSON object.
    public static func sidecar(_ url: URL) throws -> JSONObject {
        guard let object = try JSONParser.parse(file: url).objectValue else {
            throw MedadError("\(url.path): expected a JSON object")
        }
        return object
    }
}
