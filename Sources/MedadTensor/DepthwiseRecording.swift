/// The gradient outputs a depthwise-convolution kernel fills; nil where that input needs no gradient.
typealias DepthwiseGradients = (dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, dbias: UnsafeMutablePointer<Float>?)

extension Tensor {
    /// Records `out` of a depthwise convolution of x by weight (and an optional bias) whose backward is
    /// one C kernel call: `backward` gets the output's gradient and the buffers to fill, and returns the
    /// kernel's status.
    static func recordDepthwise(_ op: String, _ out: Tensor, x: Tensor, weight: Tensor, bias: Tensor?,
                                backward: @escaping (Tensor, DepthwiseGradients) -> Int32) -> Tensor {
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return record(op, out, inputs: inputs) { grad in
            let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
            let dw = weight.requiresGrad ? Tensor(uninitialized: weight.shape) : nil
            let db = bias.flatMap { $0.requiresGrad ? Tensor(uninitialized: $0.shape) : nil }
            Scratch.check(backward(grad, (dx?.storage.pointer, dw?.storage.pointer, db?.storage.pointer)), "\(op) backward")
            return bias == nil ? [dx, dw] : [dx, dw, db]
        }
    }
}
