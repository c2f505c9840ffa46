/// What the normalisation ops share: the optional per-feature scale and shift, their shape check,
/// and the gradients their backward kernels fill.
struct AffineNorm {
    let x: Tensor
    let weight: Tensor?
    let bias: Tensor?
    let features: Int
    let op: String

    init(_ op: String, x: Tensor, weight: Tensor?, bias: Tensor?, features: Int) {
        for parameter in [weight, bias].compactMap({ $0 }) {
            precondition(parameter.shape == [features],
                         "\(op): parameter shape \(parameter.shape) must be [\(features)] for input \(x.shape)")
        }
        (self.x, self.weight, self.bias, self.features, self.op) = (x, weight, bias, features, op)
    }

    /// The graph inputs, in the order `gradients` returns theirs.
    var inputs: [Tensor] { [x] + [weight, bias].compactMap { $0 } }

    /// Allocates the gradients that are needed (nil pointers for the rest), lets `kernel` fill them
    /// from (dx, dweight, dbias), and returns them aligned with `inputs`; `kernel` returns the C
    /// kernel's status (see `Scratch.check`).
    func gradients(_ kernel: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> Int32) -> [Tensor?] {
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight?.requiresGrad == true ? Tensor(uninitialized: [features]) : nil
        let db = bias?.requiresGrad == true ? Tensor(uninitialized: [features]) : nil
        Scratch.check(kernel(dx?.storage.pointer, dw?.storage.pointer, db?.storage.pointer), "\(op) backward")
        return [dx] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
    }
}
