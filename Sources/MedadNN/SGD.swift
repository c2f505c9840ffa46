import CKernels
import MedadTensor

/// Stochastic gradient descent with momentum, exactly torch.optim.SGD's update:
/// g = ∇ + λ·p (λ only for parameters that decay); b = g on the first step, then μ·b + (1−τ)·g;
/// p −= lr·(nesterov ? g + μ·b : b).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let weightDecay: Float
    public let nesterov: Bool
    private let slots: OptimizerSlots

    public init(_ parameters: [NamedParameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        slots = OptimizerSlots(slotNames: momentum == 0 ? [] : ["momentum_buffer"], parameters: parameters)
    }

    public var parameters: [NamedParameter] { slots.parameters }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let grad = parameter.tensor.grad else { continue }
            let (buffers, step) = slots.advance(index)
            let decay = parameter.decays ? weightDecay : 0
            parameter.tensor.withMutableBuffer { p in
                grad.withBuffer { g in
                    ck_sgd_step(p.baseAddress, g.baseAddress, buffers.first?.storage.pointer, p.count,
                                learningRate, momentum, dampening, decay, nesterov ? 1 : 0, step == 1 ? 1 : 0)
                }
            }
        }
    }

    public func state() -> [String: Tensor] { slots.export() }

    public func load(state: [String: Tensor]) throws { try slots.load(state) }
}
