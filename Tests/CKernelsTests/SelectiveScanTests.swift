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
        ("long sequence, three groups", .random(B: 2, L: 131, Dch: 136, N: 16, softplus: true, z: true, D: true, bias: true, seed: 8)),
        ("L=0 empty sequence: zero parameter gradients", .random(B: 2, L: 0, Dch: 5, N: 3, softplus: true, z: true, D: true, bias: true, seed: 9)),
        ("softplus threshold and tiny steps", extremeDeltas(.random(B: 2, L: 21, Dch: 9, N: 4, softplus: true, z: true, D: true, bias: true, seed: 7))),
    ]

    /// Raw deltas past PyTorch's softplus threshold (dt = x) and far below it (dt ~ 1e-13).
    static func extremeDeltas(_ c: ScanCase<Float>) -> ScanCase<Float> {
        var c = c
        for i in stride(from: 0, to: c.delta.count, by: 7) { c.delta[i] = 25 }
        for i in stride(from: 3, to: c.delta.count, by: 11) { c.delta[i] = -30 }
        return c
    }

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

/// Bit-identical results across runs and thread counts (each work item is sequential and the
/// cross-item sums run in a fixed order), and the inference path without checkpoints.
@Suite(.serialized) struct SelectiveScanDeterminismTests {
    let c = ScanCase<Float>.random(B: 3, L: 80, Dch: 136, N: 16, softplus: true, z: true, D: true, bias: true, seed: 21)

    static func bits(_ r: KernelScanResult) -> [[UInt32]] {
        let g = r.grads
        return [r.out, g.du, g.ddelta, g.dA, g.dBm, g.dCm, g.dD!, g.dz!, g.ddeltaBias!].map { $0.map(\.bitPattern) }
    }

    @Test func repeatedRunsAndThreadCountsAreBitIdentical() {
        let dout = SelectiveScanTests.dout(for: c, seed: 22)
        let saved = ck_get_max_threads()
        defer { ck_set_num_threads(saved) }
        ck_set_num_threads(2)
        let first = Self.bits(KernelScan.run(c, dout: dout)), second = Self.bits(KernelScan.run(c, dout: dout))
        ck_set_num_threads(1)
        let single = Self.bits(KernelScan.run(c, dout: dout))
        #expect(first == second)
        #expect(first == single)
    }

    @Test func nanInputsPropagateInsteadOfBeingClamped() {
        for path in [\ScanCase<Float>.delta, \.u, \.A] {
            var bad = c
            bad[keyPath: path][5] = .nan
            let r = KernelScan.run(bad, dout: SelectiveScanTests.dout(for: c, seed: 24))
            #expect(r.out.contains { $0.isNaN })
            #expect(r.grads.dA.contains { $0.isNaN })
        }
    }

    @Test func forwardWithoutCheckpointsGivesTheSameOutput() {
        let withCheckpoints = KernelScan.run(c, dout: SelectiveScanTests.dout(for: c, seed: 23)).out
        #expect(KernelScan.forward(c).map(\.bitPattern) == withCheckpoints.map(\.bitPattern))
    }
}

/// The analytic reference backward, checked element by element against central differences.
@Suite struct ReferenceScanGradientTests {
    @Test(arguments: [true, false])
    func analyticGradientsMatchFiniteDifferences(_ softplus: Bool) {
        let c = ScanCase<Float>.random(B: 2, L: 5, Dch: 3, N: 2, softplus: softplus, z: true, D: true, bias: true,
                                       seed: softplus ? 11 : 12).widened
        var rng = SeededRandom(seed: 13)
        let dout = (0..<c.B * c.L * c.Dch).map { _ in rng.nextNormal() }
        let analytic = ReferenceScan.backward(c, dout: dout)
        func loss(_ p: ScanCase<Double>) -> Double { zip(ReferenceScan.forward(p).out, dout).reduce(0) { $0 + $1.0 * $1.1 } }
        func numeric(_ path: WritableKeyPath<ScanCase<Double>, [Double]>) -> [Double] {
            (0..<c[keyPath: path].count).map { i in
                var plus = c, minus = c
                let h = 1e-6 * max(1, abs(c[keyPath: path][i]))
                plus[keyPath: path][i] += h
                minus[keyPath: path][i] -= h
                return (loss(plus) - loss(minus)) / (2 * h)
            }
        }
        func numeric(_ path: WritableKeyPath<ScanCase<Double>, [Double]?>) -> [Double] {
            var unwrapped = c
            return (0..<c[keyPath: path]!.count).map { i in
                let h = 1e-6 * max(1, abs(c[keyPath: path]![i]))
                unwrapped[keyPath: path]![i] = c[keyPath: path]![i] + h
                let up = loss(unwrapped)
                unwrapped[keyPath: path]![i] = c[keyPath: path]![i] - h
                let down = loss(unwrapped)
                unwrapped[keyPath: path]![i] = c[keyPath: path]![i]
                return (up - down) / (2 * h)
            }
        }
        func close(_ a: [Double], _ b: [Double]) -> Bool {
            let scale = max(1, b.map(abs).max() ?? 0)
            return zip(a, b).allSatisfy { abs($0 - $1) < 1e-6 * scale }
        }
        #expect(close(analytic.du, numeric(\.u)))
        #expect(close(analytic.ddelta, numeric(\.delta)))
        #expect(close(analytic.dA, numeric(\.A)))
        #expect(close(analytic.dBm, numeric(\.Bm)))
        #expect(close(analytic.dCm, numeric(\.Cm)))
        #expect(close(analytic.dD!, numeric(\.D)))
        #expect(close(analytic.dz!, numeric(\.z)))
        #expect(close(analytic.ddeltaBias!, numeric(\.deltaBias)))
    }
}

/// The kernel's own exp and softplus, read back through one-state scans whose output is exactly
/// the function value, against libm in double.
@Suite struct ScanMathAccuracyTests {
    static func relativeError(_ got: Float, _ want: Double) -> Double { abs(Double(got) - want) / abs(want) }

    @Test func expIsAccurateAcrossTheFloatRange() {
        // L = 2, N = 1, u = (1, 0), dt = 1, Bm = Cm = 1: out[1, d] = exp(A[d]).
        let xs = stride(from: -87.0, through: 88.0, by: 0.173).map { Float($0) } + [0, -1e-6, 1e-6]
        let c = ScanCase<Float>(B: 1, L: 2, Dch: xs.count, N: 1, softplus: false,
                                u: [Float](repeating: 1, count: xs.count) + [Float](repeating: 0, count: xs.count),
                                delta: [Float](repeating: 1, count: 2 * xs.count), A: xs,
                                Bm: [1, 1], Cm: [1, 1], D: nil, z: nil, deltaBias: nil)
        let out = KernelScan.forward(c)
        let worst = xs.indices.map { Self.relativeError(out[xs.count + $0], exp(Double(xs[$0]))) }.max()!
        #expect(worst < 1.5e-7)   // measured 6.4e-8, about 1 ulp
    }

    @Test func softplusIsAccurateIncludingTheThreshold() {
        // L = 1, N = 1, u = Bm = Cm = 1, A = 0: out = softplus(delta).
        let xs = stride(from: -30.0, through: 30.0, by: 0.0731).map { Float($0) } + [20, 20.0001, -1e-7, 0]
        let c = ScanCase<Float>(B: 1, L: 1, Dch: xs.count, N: 1, softplus: true,
                                u: [Float](repeating: 1, count: xs.count), delta: xs,
                                A: [Float](repeating: 0, count: xs.count), Bm: [1], Cm: [1], D: nil, z: nil, deltaBias: nil)
        let out = KernelScan.forward(c)
        let worst = xs.indices.map { Self.relativeError(out[$0], ReferenceScan.softplus(Double(xs[$0]))) }.max()!
        #expect(worst < 4e-7)     // measured 2.0e-7
    }
}
