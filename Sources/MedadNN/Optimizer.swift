import MedadSupport
import MedadTensor

/// An optimizer updates the parameters it was given, in place, from their accumulated gradients.
/// It knows parameters by name only, never the model, so state is saved and restored by name.
public protocol Optimizer: AnyObject {
    /// The rate the next `step()` uses; set it from a `LearningRateSchedule` before each step.
    var learningRate: Float { get set }
    var parameters: [NamedParameter] { get }
    /// One update of every parameter that has a gradient (parameters without one are left alone,
    /// as in PyTorch).
    func step()
    /// Per-parameter state as named tensors (`<slot>.<parameter>` and a scalar `step.<parameter>`),
    /// for checkpoints that resume training.
    func state() -> [String: Tensor]
    /// Restores what `state()` returned; unknown or mis-shaped entries give one `MedadError`.
    func load(state: [String: Tensor]) throws
}

extension Optimizer {
    /// Drops every parameter's gradient before the next backward pass.
    public func zeroGrad() {
        for parameter in parameters { parameter.tensor.zeroGrad() }
    }
}

/// The per-parameter buffers of an optimizer (e.g. Adam's `exp_avg` and `exp_avg_sq`) and the number
/// of updates each parameter has received, created on a parameter's first update as in PyTorch.
final class OptimizerSlots {
    let slotNames: [String]
    let parameters: [NamedParameter]
    private(set) var buffers: [[Tensor]?]
    private(set) var steps: [Int]

    init(slotNames: [String], parameters: [NamedParameter]) {
        let names = parameters.map(\.name)
        precondition(Set(names).count == names.count, "optimizer: parameter names must be unique, got \(names)")
        self.slotNames = slotNames
        self.parameters = parameters
        buffers = Array(repeating: nil, count: parameters.count)
        steps = Array(repeating: 0, count: parameters.count)
    }

    /// Advances parameter `index` by one step and returns its buffers (zeros on the first step) and
    /// its new step count.
    func advance(_ index: Int) -> ([Tensor], Int) {
        let shape = parameters[index].tensor.shape
        let slots = buffers[index] ?? slotNames.map { _ in Tensor(shape: shape, repeating: 0) }
        buffers[index] = slots
        steps[index] += 1
        return (slots, steps[index])
    }

    func export() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (index, parameter) in parameters.enumerated() where steps[index] > 0 {
            state["step." + parameter.name] = Tensor.scalar(Float(steps[index]))
            for (slot, buffer) in zip(slotNames, buffers[index] ?? []) {
                state[slot + "." + parameter.name] = buffer.copy()
            }
        }
        return state
    }

    func load(_ state: [String: Tensor]) throws {
        var problems: [String] = []
        var newBuffers: [[Tensor]?] = Array(repeating: nil, count: parameters.count)
        var newSteps = Array(repeating: 0, count: parameters.count)
        var used = Set<String>()
        for (index, parameter) in parameters.enumerated() {
            let stepKey = "step." + parameter.name
            guard let step = state[stepKey] else { continue }
            used.insert(stepKey)
            guard step.count == 1, step.item() >= 1, step.item() == step.item().rounded() else {
                problems.append("\(stepKey) must be one whole number ≥ 1")
                continue
            }
            newSteps[index] = Int(step.item())
            var slots: [Tensor] = []
            for slot in slotNames {
                let key = slot + "." + parameter.name
                used.insert(key)
                guard let buffer = state[key] else { problems.append("\(key) is missing"); continue }
                guard buffer.shape == parameter.tensor.shape else {
                    problems.append("\(key) has shape \(buffer.shape), expected \(parameter.tensor.shape)")
                    continue
                }
                slots.append(buffer.copy())
            }
            newBuffers[index] = slots
        }
        let unexpected = state.keys.filter { !used.contains($0) }.sorted()
        if !unexpected.isEmpty { problems.append("unexpected " + nameListing(unexpected)) }
        guard problems.isEmpty else {
            throw MedadError("cannot load optimizer state: " + problems.joined(separator: "; "))
        }
        buffers = newBuffers
        steps = newSteps
    }
}
