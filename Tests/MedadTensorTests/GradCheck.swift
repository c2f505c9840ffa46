import MedadSupport
import MedadTensor
import Testing

/// The gradient test every op goes through.
///
/// - `op` is the Float32 op under test; `reference` is a plain double-precision implementation of the
///   same function on the flattened inputs (row-major), written independently in the test.
/// - Forward: every output value must match the reference within `forwardTolerance` (absolute, plus
///   the same relative to the value's magnitude).
/// - Backward: the output is seeded with a random cotangent w; each input's analytic gradient must
///   match the central finite difference (step 1e-6, in double) of  Σ w · reference(x)  within
///   atol + rtol·|fd|, with atol = rtol = `gradientTolerance` (default 1e-3: float32 accumulation).
func checkGradients(_ name: String,
                    inputs: [Tensor],
                    forwardTolerance: Double = 1e-5,
                    gradientTolerance: Double = 1e-3,
                    seed: UInt64 = 99,
                    op: ([Tensor]) -> Tensor,
                    reference: ([[Double]]) -> [Double],
                    sourceLocation: SourceLocation = #_sourceLocation) {
    for input in inputs { input.zeroGrad(); input.requiresGrad = true }
    let output = op(inputs)
    let asDouble = inputs.map { $0.values.map(Double.init) }
    let expected = reference(asDouble)
    #expect(expected.count == output.count, "\(name): reference gives \(expected.count) values, op \(output.count)", sourceLocation: sourceLocation)
    guard expected.count == output.count else { return }
    let got = output.values
    var worstForward = 0.0
    for (g, e) in zip(got, expected) {
        worstForward = max(worstForward, abs(Double(g) - e) / (1 + abs(e)))
    }
    #expect(worstForward <= forwardTolerance, "\(name): forward differs from the reference by \(worstForward)", sourceLocation: sourceLocation)

    var rng = SeededRandom(seed: seed)
    let cotangent = (0..<output.count).map { _ in rng.uniform(-1, 1) }
    output.backward(Tensor(shape: output.shape, values: cotangent.map(Float.init)))

    let step = 1e-6
    for (index, input) in inputs.enumerated() {
        guard let analytic = input.grad?.values else {
            Issue.record("\(name): input \(index) received no gradient", sourceLocation: sourceLocation)
            continue
        }
        var shifted = asDouble
        var worst = 0.0, worstAt = 0
        for j in 0..<asDouble[index].count {
            shifted[index][j] = asDouble[index][j] + step
            let plus = zip(reference(shifted), cotangent).reduce(0) { $0 + $1.0 * $1.1 }
            shifted[index][j] = asDouble[index][j] - step
            let minus = zip(reference(shifted), cotangent).reduce(0) { $0 + $1.0 * $1.1 }
            shifted[index][j] = asDouble[index][j]
            let numeric = (plus - minus) / (2 * step)
            let excess = abs(Double(analytic[j]) - numeric) - gradientTolerance * (1 + abs(numeric))
            if excess > worst { worst = excess; worstAt = j }
        }
        #expect(worst <= 0, "\(name): gradient of input \(index) off at element \(worstAt) by \(worst) beyond tolerance", sourceLocation: sourceLocation)
    }
}

/// Random test inputs with a fixed seed per call site.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = SeededRandom(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, rng: &rng)
}

/// Plain double-precision matrix product on row-major data, for references.
func referenceMatmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    for i in 0..<m { for p in 0..<k { for j in 0..<n { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
    return c
}

/// Row-major transpose of an r×c matrix, for references.
func referenceTranspose(_ a: [Double], rows: Int, columns: Int) -> [Double] {
    var t = [Double](repeating: 0, count: a.count)
    for i in 0..<rows { for j in 0..<columns { t[j * rows + i] = a[i * columns + j] } }
    return t
}
