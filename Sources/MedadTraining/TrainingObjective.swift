import MedadNN
import MedadSupport
import MedadTensor

/// What a method plugs into the shared `Trainer`: its model, the loss of one step and a validation
/// score for model selection.
public protocol TrainingObjective: AnyObject {
    /// Every trainable tensor lives here; checkpoints save it by name.
    var model: Module { get }
    /// The loss of one step (0-based update index). The loop passes a generator split from the run
    /// seed by step index, so a resumed run draws exactly the batches an uninterrupted one would.
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor
    /// Model selection: higher is better. Called with the weights to judge in place (EMA weights
    /// when EMA is on) and the model in eval mode. `metrics` are logged.
    func validate() throws -> (score: Double, metrics: [String: Double])
}
