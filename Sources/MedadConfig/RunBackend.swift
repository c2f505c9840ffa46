import Foundation

/// What sweeps and reports need from the layer that turns a run config into a run directory.
/// MedadMethods provides it (`MethodRunBackend`) and the CLI hands it to MedadExperiments, so the
/// experiment engine never imports the methods: a new method does not touch it, and the two modules
/// compile side by side (they were the two slowest, one after the other).
public protocol RunBackend: Sendable {
    /// Throws one error naming the key when `config` is not a valid run config.
    func validate(_ config: JSONValue, source: String) throws
    /// The run as its result.json will name it.
    func describe(_ config: JSONValue, source: String) throws -> RunDescription
    /// Equal for configs that train the same weights (`reuse_training`).
    func trainingIdentity(_ config: JSONValue, source: String) throws -> String
    /// Trains into `directory` (continuing from the checkpoints a killed attempt left when `resume`), then
    /// evaluates; result.json is written atomically, last.
    func trainAndEvaluate(_ config: JSONValue, source: String, directory: URL, resume: Bool) throws
    /// Scores the weights trained in `trained` on `config`'s test set, into `directory`.
    func retest(trained: URL, config: JSONValue, source: String, into directory: URL) throws
}

/// How a run config names its run: what a report groups cells by.
public struct RunDescription: Equatable, Sendable {
    public let backbone: String
    public let method: String
    public let labelRatio: Double
    public let seed: Int
    /// `data.folders.test`: which volume a leave-one-volume-out cell is tested on.
    public let testFolder: String?

    public init(backbone: String, method: String, labelRatio: Double, seed: Int, testFolder: String?) {
        self.backbone = backbone
        self.method = method
        self.labelRatio = labelRatio
        self.seed = seed
        self.testFolder = testFolder
    }
}
