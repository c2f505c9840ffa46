import MedadTensor

/// Gives `parameter` (shape [1, n]) exactly the gradient `values` by backpropagating
/// parameter · values as a [1, 1] product, the one op the tensor core has.
func setGradient(_ parameter: Tensor, _ values: [Float]) {
    parameter.zeroGrad()
    matmul(parameter, Tensor(shape: [values.count, 1], values: values)).backward()
}

func trainable(_ values: [Float]) -> Tensor {
    let t = Tensor(shape: [1, values.count], values: values)
    t.requiresGrad = true
    return t
}

func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-6) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}
