import CKernels

/// One recorded op: its inputs and how to turn the gradient of its output into theirs.
final class Node {
    let op: String
    let inputs: [Tensor]
    /// Returns one gradient per input (nil where an input needs none), shaped like that input.
    let backward: (Tensor) -> [Tensor?]

    init(op: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
        self.op = op
        self.inputs = inputs
        self.backward = backward
    }
}

/// Whether ops record their backward. Off inside `withNoGrad`, so inference keeps no graph and its
/// memory stays flat. Task-local, so one task's `withNoGrad` (or `backward()`) cannot switch recording
/// off for a graph another task or thread is building at the same time.
public enum GradMode {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording: the tensors it makes hold no graph.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// Makes an op's output and, when recording and some input needs a gradient, records its backward.
    static func record(_ op: String, _ output: Tensor, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
        OpTimes.charge(op)
        if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
            output.node = Node(op: op, inputs: inputs, backward: backward)
        }
        return output
    }

    /// Reverse-mode differentiation from this tensor. The seed defaults to ones (for a scalar loss, 1).
    /// Gradients add up in the `grad` of every trainable leaf; the graph is released as it is walked.
    public func backward(_ seed: Tensor? = nil) {
        precondition(requiresGrad, "backward(): this tensor does not depend on any tensor that requires a gradient")
        if let seed { Shape.requireEqual(seed.shape, shape, op: "backward") }
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? Tensor(shape: shape, repeating: 1)]
        withNoGrad {
            for tensor in order.reversed() {
                guard let gradient = pending.removeValue(forKey: ObjectIdentifier(tensor)) else { continue }
                guard let node = tensor.node else {
                    tensor.grad = tensor.grad.map { $0.adding(gradient) } ?? gradient.copy()
                    continue
                }
                tensor.node = nil
                for (input, inputGradient) in zip(node.inputs, OpTimes.backward(of: node.op) { node.backward(gradient) }) {
                    guard let inputGradient, input.requiresGrad else { continue }
                    Shape.requireEqual(inputGradient.shape, input.shape, op: "\(node.op) backward")
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0.adding(inputGradient) } ?? inputGradient
                }
            }
        }
    }

    /// Same-shape sum outside the graph, for accumulating gradients. A leaf's first gradient is copied
    /// because an op's backward may hand the same tensor to several inputs.
    func adding(_ other: Tensor) -> Tensor {
        let sum = Tensor(uninitialized: shape)
        // The shared elementwise kernel runs on all threads; a plain loop here used one.
        StridedLoop(dims: [count], strides: [[1], [1], [1]])
            .run(CK_ADD, a: storage.pointer, b: other.storage.pointer, out: sum.storage.pointer)
        return sum
    }

    /// Inputs before the ops that use them, found without recursion so deep graphs cannot overflow the stack.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(self, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in tensor.node?.inputs ?? [] where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
