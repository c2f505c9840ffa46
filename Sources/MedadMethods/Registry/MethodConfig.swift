import MedadConfig
import MedadSupport

/// `method`: the name, the label results carry, and that method's own parameters (`medad methods`
/// lists them per method). A parameter of another method is an unknown key.
public struct MethodConfig {
    /// The registered name (`method.name`).
    public let name: String
    /// The name result.json and reports give the run (default: `name`), so that variants of one method,
    /// such as `intensity` with `reference: global`, are rows of their own.
    public let label: String
    /// The method with its parameters.
    let method: any AnomalyMethod
    /// Its parameters as this run uses them, defaults filled in, in reading order.
    let parameters: [(key: String, value: JSONValue)]

    init(_ r: ConfigReader) throws {
        name = try r.string("name", allowed: MethodRegistry.names)
        label = try r.string("label", default: name)
        guard !label.isEmpty, label.count <= 64, label.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw r.fail("label", "\"\(ConfigText.clipped(label))\" is not a label; expected 1 to 64 letters, digits, '-', '_' or '.'")
        }
        let ownReadsStart = r.resolved.count
        method = try MethodRegistry.method(named: name)!.init(r)
        try r.finish()
        parameters = r.resolved.dropFirst(ownReadsStart).map { ($0.key, $0.value) }
    }

    public var usesLabels: Bool { type(of: method).usesLabels }
    public var isTrainable: Bool { type(of: method).defaultLearningRate != nil }
    var defaultLearningRate: Double { type(of: method).defaultLearningRate ?? 1e-3 }

    /// The scoring model with fresh weights, seeded by the run seed.
    func makeModel(_ run: RunConfig) -> ScoringModel {
        var rng = SeededRandom(seed: run.seed).split(11)
        return method.makeModel(run, rng: &rng)
    }

    var json: JSONValue {
        .object(JSONObject([("name", .string(name)), ("label", .string(label))] + parameters.map { ($0.key, $0.value) }))
    }
}
