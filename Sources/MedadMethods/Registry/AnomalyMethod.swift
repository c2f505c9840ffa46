import MedadConfig
import MedadSupport

/// One anomaly-detection method: its parameters (the value itself, read from the run config's
/// `method` section) and how it builds its scoring model and the objective the shared loop trains.
/// A method is one folder under Methods/ and one line in `MethodRegistry.methods`.
protocol AnomalyMethod {
    associatedtype Model: ScoringModel

    /// The name configs use (`method.name`).
    static var name: String { get }
    /// One line for `medad methods`.
    static var summary: String { get }
    /// What each parameter does, by key, for `medad methods`; a test checks it names exactly the keys
    /// the method reads.
    static var parameterHelp: [String: String] { get }
    /// Whether the method reads revealed labels; the others ignore them and their results say so.
    static var usesLabels: Bool { get }
    /// `train.lr` when a config gives none; nil for a method without trainable weights (fitted in one
    /// pass by `fit` instead of the loop).
    static var defaultLearningRate: Double? { get }

    /// Reads the method's own keys (`name` and `label` are read already); unknown keys are refused after.
    init(_ parameters: ConfigReader) throws

    /// Whether training pastes synthetic anomalies of `data.generators`, which must then list one.
    var trainsOnSynthetic: Bool { get }
    /// Why the method cannot train a volumetric backbone; nil when it can (patches through the same
    /// loop). A new method is 2D-only until it says otherwise.
    static var planarOnly: String? { get }

    /// Checks of the whole run before any data is read (`source` names the config); none by default.
    func check(_ run: RunConfig, source: String) throws
    /// Checks once the training data is built; none by default.
    func check(_ context: MethodContext, source: String) throws

    /// The scoring model with fresh weights, drawn from `rng`.
    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> Model
    /// The objective training `model`; nil for a method without trainable weights.
    func makeObjective(_ model: Model, context: MethodContext) -> MethodObjective?
    /// Fits what the model fits rather than trains (all of a method without trainable weights; `semi`'s
    /// intensity prior) on the training pool, before any training step; nothing by default.
    func fit(_ model: Model, pool: [TrainingSlice])
    /// Its keys that change only what `fitTrained` fits, not training: a retest may change them.
    static var afterTrainingKeys: [String] { get }
    /// Whether `fitTrained` fits anything, so that adopted weights need the training pool built.
    var fitsTrained: Bool { get }
    /// Fits what reads the trained network rather than trains with it (`synth`'s feature density) on the
    /// training pool, once training has chosen the weights and before they are calibrated; the best
    /// checkpoint then keeps it beside them. It may choose what it keeps by `validation`, the cases that
    /// chose the weights, and returns what it chose for the run's training record (`after_training`), or
    /// nil. Nothing by default.
    func fitTrained(_ model: Model, pool: [TrainingSlice], validation: ValidationSet) throws -> JSONValue?
}

extension AnomalyMethod {
    static var planarOnly: String? { "it has not been ported to volumes" }
    func check(_ run: RunConfig, source: String) throws {}
    func check(_ context: MethodContext, source: String) throws {}
    func fit(_ model: Model, pool: [TrainingSlice]) {}
    static var afterTrainingKeys: [String] { [] }
    var fitsTrained: Bool { false }
    func fitTrained(_ model: Model, pool: [TrainingSlice], validation: ValidationSet) throws -> JSONValue? { nil }

    /// `makeObjective`, `fit` and `fitTrained` for a model known only as a `ScoringModel`: it must be the one
    /// `makeModel` built from the same config.
    func objective(_ model: ScoringModel, context: MethodContext) -> MethodObjective? {
        makeObjective(typed(model), context: context)
    }

    func fitUntyped(_ model: ScoringModel, pool: [TrainingSlice]) { fit(typed(model), pool: pool) }

    func fitTrainedUntyped(_ model: ScoringModel, pool: [TrainingSlice], validation: ValidationSet) throws -> JSONValue? {
        try fitTrained(typed(model), pool: pool, validation: validation)
    }

    private func typed(_ model: ScoringModel) -> Model {
        guard let model = model as? Model else {
            preconditionFailure("method \(Self.name): a \(type(of: model)) is not the model this method builds")
        }
        return model
    }
}
