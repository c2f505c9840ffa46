import CKernels
import Foundation
import MedadTensor

/// Adam (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015), exactly torch.optim.Adam:
/// g = ∇ + λ·p; m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
/// p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).
/// Weight decay applies only to parameters that decay (not biases, norms or flagged ones).
public class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    /// AdamW's decoupled decay (p ← p·(1 − lr·λ) before the Adam step) instead of Adam's L2 term.
    public let decoupled: Bool
    private let slots: OptimizerSlots

    public convenience init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                            eps: Float = 1e-8, weightDecay: Float = 0) {
        self.init(parameters, learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: false)
    }

    init(_ parameters: [NamedParameter], learningRate: Float, betas: (Float, Float), eps: Float, weightDecay: Float, decoupled: Bool) {
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        slots = OptimizerSlots(slotNames: ["exp_avg", "exp_avg_sq"], parameters: parameters)
    }

    public var parameters: [NamedParameter] { slots.parameters }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.tensor.grad else { continue }
            let (buffers, step) = slots.advance(index)
            // Bias corrections in double, as PyTorch computes them in Python floats.
            let stepSize = Double(learningRate) / (1 - pow(Double(beta1), Double(step)))
            let correction2 = (1 - pow(Double(beta2), Double(step))).squareRoot()
            let lambda = parameter.decays ? weightDecay : 0
            parameter.tensor.withMutableBuffer { p in
                grad.withBuffer { g in
                    ck_adam_step(p.baseAddress, g.baseAddress, buffers[0].storage.pointer, buffers[1].storage.pointer, p.count,
                                 Float(stepSize), Float(correction2), beta1, beta2, eps,
                                 decoupled ? 0 : lambda, decoupled ? 1 - learningRate * lambda : 1)
                }
            }
        }
    }

    public func state() -> [String: Tensor] { slots.export() }

    public func load(state: [String: Tensor]) throws { try slots.load(state) }
}

/// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019), exactly
/// torch.optim.AdamW: p ← p·(1 − lr·λ), then the Adam step without an L2 term. Biases, norm
/// parameters and parameters flagged with `excludeFromWeightDecay` do not decay.
public final class AdamW: Adam {
    public init(_ parameters: [NamedParameter], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
                eps: Float = 1e-8, weightDecay: Float = 1e-2) {
        super.init(parameters, learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay, decoupled: true)
    }
}
