import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining

/// What every method's objective gets: the same config, pool sampler and validation set.
struct MethodContext {
    let config: RunConfig
    let sampler: PoolSampler
    let validation: ValidationSet
    /// Set when the run's batches are recorded for the PyTorch twin.
    var recording: TwinRecording? = nil
}

/// A method as the shared loop trains it: a scoring model, its loss per step, and model selection on
/// the shared validation set.
protocol MethodObjective: TrainingObjective {
    var scoring: ScoringModel { get }
    var context: MethodContext { get }
}

extension MethodObjective {
    var model: Module { scoring }

    func validate() throws -> (score: Double, metrics: [String: Double]) {
        try context.validation.evaluate(scoring)
    }
}

/// The state every objective holds: its model, its method's parameters and the shared context.
class ObjectiveBase<Model: ScoringModel, Method: AnomalyMethod> {
    let net: Model
    let method: Method
    let context: MethodContext
    var scoring: ScoringModel { net }

    init(model: Model, method: Method, context: MethodContext) {
        net = model
        self.method = method
        self.context = context
    }
}
