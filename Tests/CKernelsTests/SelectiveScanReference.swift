// Straight-from-the-formula double-precision selective scan (mamba_ssm's selective_scan_ref,
// token-major layout of ck_scan.h) with its analytic backward, the yardstick for the C kernel.
import Foundation
import MedadSupport

/// One selective-scan problem: shapes, options and inputs (Float for the C kernel; the reference
/// runs on the same values widened to Double).
struct ScanCase<T: BinaryFloatingPoint> {
    var B: Int, L: Int, Dch: Int, N: Int
    var softplus: Bool
    var u: [T], delta: [T], A: [T], Bm: [T], Cm: [T]
    var D: [T]?, z: [T]?, deltaBias: [T]?

    var widened: ScanCase<Double> {
        func w(_ x: [T]) -> [Double] { x.map { Double($0) } }
        return ScanCase<Double>(B: B, L: L, Dch: Dch, N: N, softplus: softplus, u: w(u), delta: w(delta), A: w(A),
                                Bm: w(Bm), Cm: w(Cm), D: D.map(w), z: z.map(w), deltaBias: deltaBias.map(w))
    }
}

extension ScanCase where T == Float {

    /// Realistic random inputs: A < 0 spread like S4D-real, delta around Mamba's dt range.
    static func random(B: Int, L: Int, Dch: Int, N: Int, softplus: Bool, z: Bool, D: Bool, bias: Bool,
                       seed: UInt64) -> ScanCase<Float> {
        var rng = SeededRandom(seed: seed)
        func normals(_ n: Int, _ scale: Double = 1) -> [Float] { (0..<n).map { _ in Float(rng.nextNormal() * scale) } }
        func uniforms(_ n: Int, _ lo: Double, _ hi: Double) -> [Float] { (0..<n).map { _ in Float(rng.uniform(lo, hi)) } }
        let BLD = B * L * Dch, BLN = B * L * N
        let delta = softplus ? uniforms(BLD, -4, 1) : uniforms(BLD, 0.02, 0.6)
        let A = (0..<Dch * N).map { i in Float(-Double(i % N + 1) * rng.uniform(0.3, 1.2)) }
        return ScanCase<Float>(B: B, L: L, Dch: Dch, N: N, softplus: softplus,
                        u: normals(BLD), delta: delta, A: A, Bm: normals(BLN), Cm: normals(BLN),
                        D: D ? normals(Dch) : nil, z: z ? normals(BLD, 1.5) : nil,
                        deltaBias: bias ? uniforms(Dch, -0.3, 0.3) : nil)
    }
}

/// Gradients in the order of ck_scan_grads; nil where the input is absent.
struct ScanGradients<T> {
    var du: [T], ddelta: [T], dA: [T], dBm: [T], dCm: [T]
    var dD: [T]?, dz: [T]?, ddeltaBias: [T]?
}

enum ReferenceScan {
    static func softplus(_ x: Double) -> Double { x > 20 ? x : (x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))) }
    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Everything the backward needs: dt, d dt/d delta, states h[b,t,d,n], y before gating, out.
    struct Trace {
        var dt: [Double], dsp: [Double], h: [Double], y: [Double], out: [Double]
    }

    static func forward(_ c: ScanCase<Double>) -> Trace {
        let (L, Dch, N) = (c.L, c.Dch, c.N)
        let BLD = c.B * L * Dch
        var t = Trace(dt: .init(repeating: 0, count: BLD), dsp: .init(repeating: 1, count: BLD),
                      h: .init(repeating: 0, count: BLD * N), y: .init(repeating: 0, count: BLD),
                      out: .init(repeating: 0, count: BLD))
        for b in 0..<c.B {
            for d in 0..<Dch {
                var h = [Double](repeating: 0, count: N)
                for l in 0..<L {
                    let i = (b * L + l) * Dch + d, r = (b * L + l) * N
                    let x = c.delta[i] + (c.deltaBias?[d] ?? 0)
                    let dt = c.softplus ? softplus(x) : x
                    t.dt[i] = dt
                    if c.softplus { t.dsp[i] = x > 20 ? 1 : sigmoid(x) }
                    let u = c.u[i]
                    var y = (c.D?[d] ?? 0) * u
                    for n in 0..<N {
                        h[n] = exp(dt * c.A[d * N + n]) * h[n] + dt * c.Bm[r + n] * u
                        y += c.Cm[r + n] * h[n]
                        t.h[i * N + n] = h[n]
                    }
                    t.y[i] = y
                    if let z = c.z { let zv = z[i]; t.out[i] = y * zv * sigmoid(zv) } else { t.out[i] = y }
                }
            }
        }
        return t
    }

    /// Analytic gradients of sum(out * dout), by reverse-mode through the recurrence.
    static func backward(_ c: ScanCase<Double>, dout: [Double]) -> ScanGradients<Double> {
        let (L, Dch, N) = (c.L, c.Dch, c.N)
        let tr = forward(c)
        let BLD = c.B * L * Dch
        var g = ScanGradients<Double>(du: .init(repeating: 0, count: BLD), ddelta: .init(repeating: 0, count: BLD),
                                      dA: .init(repeating: 0, count: Dch * N),
                                      dBm: .init(repeating: 0, count: c.B * L * N), dCm: .init(repeating: 0, count: c.B * L * N),
                                      dD: c.D == nil ? nil : .init(repeating: 0, count: Dch),
                                      dz: c.z == nil ? nil : .init(repeating: 0, count: BLD),
                                      ddeltaBias: c.deltaBias == nil ? nil : .init(repeating: 0, count: Dch))
        for b in 0..<c.B {
            for d in 0..<Dch {
                var gh = [Double](repeating: 0, count: N)   // dL/dh_l, carried backwards
                for l in stride(from: L - 1, through: 0, by: -1) {
                    let i = (b * L + l) * Dch + d, r = (b * L + l) * N
                    var dy = dout[i]
                    if let z = c.z {
                        let zv = z[i], s = sigmoid(zv)
                        g.dz![i] = dy * tr.y[i] * s * (1 + zv * (1 - s))
                        dy *= zv * s
                    }
                    let dt = tr.dt[i], u = c.u[i]
                    var du = dy * (c.D?[d] ?? 0), ddt = 0.0
                    if g.dD != nil { g.dD![d] += dy * u }
                    for n in 0..<N {
                        let a = c.A[d * N + n], decay = exp(dt * a)
                        let hPrev = l > 0 ? tr.h[((b * L + l - 1) * Dch + d) * N + n] : 0
                        gh[n] += dy * c.Cm[r + n]
                        g.dCm[r + n] += dy * tr.h[i * N + n]
                        g.dBm[r + n] += gh[n] * dt * u
                        du += gh[n] * dt * c.Bm[r + n]
                        ddt += gh[n] * (a * decay * hPrev + c.Bm[r + n] * u)
                        g.dA[d * N + n] += gh[n] * dt * decay * hPrev
                        gh[n] *= decay
                    }
                    g.du[i] = du
                    g.ddelta[i] = ddt * tr.dsp[i]
                    if g.ddeltaBias != nil { g.ddeltaBias![d] += g.ddelta[i] }
                }
            }
        }
        return g
    }
}
