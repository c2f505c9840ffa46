import MedadNN
import MedadSupport
import MedadTensor

/// Shadow copies of a model's tensors, s ← d·s + (1−d)·p after every update (timm's ModelEmaV2
/// without warm-up), starting from the weights at creation. `swap()` exchanges shadow and live values
/// in place, so judging the averaged weights allocates nothing and optimizers keep their tensors.
public final class ExponentialMovingAverage {
    public let decay: Float
    public let names: [String]
    private let live: [Tensor]
    /// The averaged values, in `names` order.
    public let shadows: [Tensor]

    public init(_ parameters: [(String, Tensor)], decay: Float) {
        precondition(decay > 0 && decay < 1, "EMA decay must lie in (0, 1), got \(decay)")
        self.decay = decay
        names = parameters.map(\.0)
        live = parameters.map(\.1)
        shadows = live.map { $0.copy() }
    }

    /// Averages every tensor of `model` (trainable or not, as a state dict would).
    public convenience init(model: Module, decay: Float) {
        self.init(model.namedParameters(), decay: decay)
    }

    /// One averaging step from the current live values.
    public func update() {
        let keep = decay, take = 1 - decay
        for (shadow, parameter) in zip(shadows, live) {
            shadow.withMutableBuffer { s in
                parameter.withBuffer { p in
                    for i in 0..<s.count { s[i] = keep * s[i] + take * p[i] }
                }
            }
        }
    }

    /// Exchanges shadow and live values; calling it twice restores both.
    public func swap() {
        for (shadow, parameter) in zip(shadows, live) {
            shadow.withMutableBuffer { s in
                parameter.withMutableBuffer { p in
                    for i in 0..<s.count { (s[i], p[i]) = (p[i], s[i]) }
                }
            }
        }
    }

    /// Runs `body` with the averaged values in the model, swapping back afterwards even when it throws.
    public func withAveragedWeights<R>(_ body: () throws -> R) rethrows -> R {
        swap()
        defer { swap() }
        return try body()
    }

    /// The shadows as checkpoint entries `ema.<name>`.
    public func checkpointTensors() -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: zip(names, shadows).map { ("ema." + $0, $1) })
    }

    /// Restores shadows from `ema.<name>` entries (the prefix already removed); names and shapes must
    /// match exactly, else one `MedadError` and nothing changes.
    public func load(_ tensors: [String: Tensor]) throws {
        var problems: [String] = []
        let missing = names.filter { tensors[$0] == nil }
        let unexpected = Set(tensors.keys).subtracting(names).sorted()
        if !missing.isEmpty { problems.append("missing ema." + missing.prefix(8).joined(separator: ", ema.")) }
        if !unexpected.isEmpty { problems.append("unexpected ema." + unexpected.prefix(8).joined(separator: ", ema.")) }
        for (name, shadow) in zip(names, shadows) {
            if let given = tensors[name], given.shape != shadow.shape {
                problems.append("ema.\(name) has shape \(given.shape), expected \(shadow.shape)")
            }
        }
        guard problems.isEmpty else { throw MedadError("cannot load EMA weights: " + problems.joined(separator: "; ")) }
        for (name, shadow) in zip(names, shadows) {
            tensors[name]!.withBuffer { source in
                shadow.withMutableBuffer { $0.baseAddress!.update(from: source.baseAddress!, count: source.count) }
            }
        }
    }
}
