import Foundation
import MedadSupport
import MedadTensor

/// The `medad demo` job: a small MLP fits a generated 2D function, exercising layers, autograd,
/// AdamW with a warm-up cosine schedule and gradient clipping end to end. Everything derives from
/// the seed, so two runs with the same seed give bit-identical parameters.
public enum TrainingDemo {
    /// Two hidden SiLU layers: 2 → width → width → 1.
    public final class MLP: Module {
        @Key("layers") public private(set) var layers: [Linear]

        public init(width: Int, rng: inout SeededRandom) {
            super.init()
            layers = [Linear(2, width, rng: &rng), Linear(width, width, rng: &rng), Linear(width, 1, rng: &rng)]
        }

        public func callAsFunction(_ x: Tensor) -> Tensor {
            layers[2](silu(layers[1](silu(layers[0](x)))))
        }
    }

    /// Trains for `steps` full-batch updates and returns the model and the loss before each update.
    /// `log` is called every `logEvery` steps and after the last one.
    @discardableResult
    /// `checkpoint`, when given, is a safetensors file whose parameters replace the seeded
    /// initialisation (strict load: a file from another model is rejected naming what differs).
    public static func train(seed: UInt64 = 0, steps: Int = 300, samples: Int = 512, width: Int = 64,
                             checkpoint: URL? = nil,
                             logEvery: Int = 25, log: (Int, Float) -> Void = { _, _ in }) throws -> (model: MLP, losses: [Float]) {
        var rng = SeededRandom(seed: seed)
        var dataRNG = rng.split(1)
        let inputs = Tensor.uniform([samples, 2], low: -1, high: 1, rng: &dataRNG)
        let targets = target(inputs)
        let model = MLP(width: width, rng: &rng)
        if let checkpoint { try model.load(from: checkpoint) }
        let optimizer = AdamW(model.trainableParameters(), learningRate: 0, weightDecay: 1e-4)
        let schedule = LearningRateSchedule.cosineWithWarmup(base: 1e-2, warmupSteps: steps / 10, totalSteps: steps, minimum: 1e-4)
        var losses: [Float] = []
        for step in 0..<steps {
            optimizer.zeroGrad()
            let loss = mseLoss(model(inputs), targets)
            losses.append(loss.item())
            if step % logEvery == 0 { log(step, loss.item()) }
            loss.backward()
            clipGradientNorm(optimizer.parameters, maxNorm: 1)
            optimizer.learningRate = schedule.learningRate(at: step)
            optimizer.step()
        }
        let final = withNoGrad { mseLoss(model(inputs), targets).item() }
        log(steps, final)
        return (model, losses + [final])
    }

    /// y = sin(3·x₀)·cos(2·x₁), a smooth bumpy surface a linear model cannot fit.
    static func target(_ inputs: Tensor) -> Tensor {
        let x = inputs.values
        let y = (0..<inputs.shape[0]).map { (i: Int) -> Float in Float(sin(3 * Double(x[2 * i])) * cos(2 * Double(x[2 * i + 1]))) }
        return Tensor(shape: [inputs.shape[0], 1], values: y)
    }
}
