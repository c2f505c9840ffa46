import CKernels
import Foundation
import MedadSupport
import Testing

/// Largest |got - want| relative to max(1, max |want|): one scale per tensor, because the gradients
/// of sums (dA, dBm, dCm, dD) have cancelling terms whose elementwise relative error means nothing.
func scaledError(_ got: [Float], _ want: [Double]) -> Double {
    precondition(got.count == want.count)
    let scale = max(1, want.map(abs).max() ?? 0)
    var worst = 0.0
    for (g, w) in zip(got, want) {
        let e = abs(Double(g) - w)
        worst = max(worst, e.isNaN ? .infinity : e)
    }
    return worst / scale
}

@Suite(.serialized) struct SelectiveScanTests {
    /// Shapes around the kernel's blocking: 8-channel blocks, 64-channel backward groups,
    /// 16-position chunks, 32-state forward tiles.
    static let cases: [(name: String, c: ScanCase<Float>)] = [
        ("L=1 single position", .random(B: 1, L: 1, Dch: 3, N: 1, softplus: true, z: true, D: true, bias: true, seed: 1)),
        ("odd L, channel tail, batch 2", .random(B: 2, L: 37, Dch: 11, N: 5, softplus: true, z: true, D: true, bias: true, seed: 2)),
        ("one exact chunk, bare scan", .random(B: 3, L: 16, Dch: 8, N: 16, softplus: false, z: false, D: false, bias: false, seed: 3)),
        ("chunk plus one, no D", .random(B: 2, L: 33, Dch: 20, N: 3, softplus: false, z: true, D: false, bias: true, seed: 4)),
        ("two groups, two state tiles", .random(B: 1, L: 50, Dch: 70, N: 40, softplus: true, z: true, D: true, bias: false, seed: 5)),
        ("model-like N=16, no z", .random(B: 2, L: 64, Dch: 24, N: 16, softplus: true, z: false, D: true, bias: true, seed: 6)),
    ]

    static func dout(for c: ScanCase<Float>, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<c.B * c.L * c.Dch).map { _ in Float(rng.nextNormal()) }
    }

    @Test(arguments: 0..<cases.count)
    func forwardAndGradientsMatchDoubleReference(_ index: Int) {
        let (name, c) = Self.cases[index]
        let dout = Self.dout(for: c, seed: 100 + UInt64(index))
        let ref = c.widened
        let want = ReferenceScan.forward(ref).out
        let wantGrads = ReferenceScan.backward(ref, dout: dout.map(Double.init))
        let got = KernelScan.run(c, dout: dout)

        // Measured scaled errors are 1e-8...5e-7 (float32 against double); tolerances leave 10x room.
        let valueTolerance = 3e-6, gradientTolerance = 5e-6
        #expect(scaledError(got.out, want) < valueTolerance, "\(name): out")
        let pairs: [(String, [Float]?, [Double]?)] = [
            ("du", got.grads.du, wantGrads.du), ("ddelta", got.grads.ddelta, wantGrads.ddelta),
            ("dA", got.grads.dA, wantGrads.dA), ("dBm", got.grads.dBm, wantGrads.dBm),
            ("dCm", got.grads.dCm, wantGrads.dCm), ("dD", got.grads.dD, wantGrads.dD),
            ("dz", got.grads.dz, wantGrads.dz), ("ddelta_bias", got.grads.ddeltaBias, wantGrads.ddeltaBias),
        ]
        for (label, g, w) in pairs {
            #expect((g == nil) == (w == nil), "\(name): \(label) presence")
            if let g, let w { #expect(scaledError(g, w) < gradientTolerance, "\(name): \(label) \(scaledError(g, w))") }
        }
        #expect(got.unusedGradientsUntouched, "\(name): gradients of absent inputs were written")
    }
}
