import Foundation
import MedadTensor
import Testing

@Suite struct UnaryMathTests {
    static func normalCDF(_ v: Double) -> Double { 0.5 * (1 + erf(v / 2.0.squareRoot())) }
    static func sigmoidRef(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }

    /// (name, op, reference, input range): ranges avoid kinks and poles so finite differences hold.
    static let cases: [(String, (Tensor) -> Tensor, (Double) -> Double, Float, Float)] = [
        ("exp", { $0.exp() }, { Foundation.exp($0) }, -3, 3),
        ("log", { $0.log() }, { Foundation.log($0) }, 0.2, 5),
        ("sqrt", { $0.sqrt() }, { $0.squareRoot() }, 0.2, 5),
        ("abs", { $0.abs() }, { Swift.abs($0) }, -2, 2),
        ("square", { $0.square() }, { $0 * $0 }, -2, 2),
        ("pow 1.5", { $0.pow(1.5) }, { Foundation.pow($0, 1.5) }, 0.2, 3),
        ("pow -2", { $0.pow(-2) }, { Foundation.pow($0, -2) }, 0.5, 3),
        ("pow 2", { $0.pow(2) }, { $0 * $0 }, -2, 2),
        ("clamp", { $0.clamp(min: -0.5, max: 0.7) }, { Swift.min(Swift.max($0, -0.5), 0.7) }, -2, 2),
        ("clamp min", { $0.clamp(min: 0.1) }, { Swift.max($0, 0.1) }, -2, 2),
        ("relu", { relu($0) }, { Swift.max($0, 0) }, -2, 2),
        ("gelu", { gelu($0) }, { $0 * normalCDF($0) }, -4, 4),
        ("silu", { silu($0) }, { $0 * sigmoidRef($0) }, -6, 6),
        ("sigmoid", { sigmoid($0) }, { sigmoidRef($0) }, -6, 6),
        ("softplus", { softplus($0) }, { Foundation.log1p(Foundation.exp($0)) }, -8, 8),
        ("tanh", { tanh($0) }, { Foundation.tanh($0) }, -3, 3),
    ]

    @Test func gradientsOfEveryUnaryOp() {
        for (index, (name, op, reference, low, high)) in Self.cases.enumerated() {
            let x = randomTensor([3, 7], seed: UInt64(20 + index), low: low, high: high)
            checkGradients(name, inputs: [x], op: { op($0[0]) }) { $0[0].map(reference) }
        }
    }

    @Test func knownValues() {
        let x = Tensor(shape: [4], values: [1, 30, -30, 0])
        #expect(Swift.abs(gelu(x).values[0] - 0.8413447) < 1e-6)
        #expect(softplus(x).values[1] == 30)
        #expect(Swift.abs(softplus(x).values[2] - 9.357623e-14) < 1e-19)
        let s = sigmoid(x).values
        #expect(Swift.abs(s[0] - 0.7310586) < 1e-6 && s[1] == 1 && s[2] < 1e-13 && s[3] == 0.5)
        #expect(tanh(x).values[1] == 1 && tanh(x).values[2] == -1)
        let subnormal = Float.leastNormalMagnitude / 1000
        let edges = Tensor(shape: [4], values: [0, -1, .infinity, subnormal]).log().values
        #expect(edges[0] == -.infinity && edges[1].isNaN && edges[2] == .infinity)
        #expect(Swift.abs(edges[3] - Float(Foundation.log(Double(subnormal)))) < 1e-4)
        #expect(Tensor(shape: [3], values: [-100, 100, .nan]).exp().values[0] == 0)
        #expect(Tensor(shape: [3], values: [-100, 100, .nan]).exp().values[1] == .infinity)
        #expect(Tensor(shape: [3], values: [-100, 100, .nan]).exp().values[2].isNaN)
    }

    @Test func vectorisedMathMatchesDoubleOverWideRanges() {
        // 100k points each, past the OpenMP threshold: relative error of exp and log, absolute of the rest.
        let n = 100_000
        let wide = Tensor(shape: [n], values: (0..<n).map { Float(-85 + 170 * Double($0) / Double(n)) })
        let positive = Tensor(shape: [n], values: (0..<n).map { Float(Foundation.pow(10, -30 + 60 * Double($0) / Double(n))) })
        let moderate = Tensor(shape: [n], values: (0..<n).map { Float(-10 + 20 * Double($0) / Double(n)) })
        func worst(_ t: Tensor, _ f: (Tensor) -> Tensor, relative: Bool, _ reference: (Double) -> Double) -> Double {
            zip(t.values, f(t).values).map { v, got in
                let e = reference(Double(v))
                return Swift.abs(Double(got) - e) / (relative ? Swift.abs(e) : 1)
            }.max()!
        }
        #expect(worst(wide, { $0.exp() }, relative: true) { Foundation.exp($0) } < 1e-6)
        #expect(worst(positive, { $0.log() }, relative: true) { Foundation.log($0) } < 1e-6)
        #expect(worst(moderate, gelu, relative: false) { $0 * Self.normalCDF($0) } < 2e-6)
        #expect(worst(moderate, sigmoid, relative: false, Self.sigmoidRef) < 1e-6)
        #expect(worst(moderate, tanh, relative: false) { Foundation.tanh($0) } < 1e-6)
        #expect(worst(moderate, softplus, relative: false) { Foundation.log1p(Foundation.exp($0)) } < 2e-6)
    }
}
