import Foundation
import MedadAnomalies
import MedadSupport
import Testing

@Suite struct PoissonImageInterpolationTests {
    /// Random target/source on a box with an interior ellipsoidal region.
    static func problem(dims: [Int], seed: UInt64) -> (target: [Float], source: [Float], region: [UInt8]) {
        var random = SeededRandom(seed: seed)
        let n = dims.reduce(1, *)
        let target = (0..<n).map { _ in random.nextFloat() }
        let source = (0..<n).map { _ in 2 * random.nextFloat() - 0.5 }
        var region = [UInt8](repeating: 0, count: n)
        let c = dims.map { Double($0 - 1) / 2 }
        for i in 0..<n {
            let p = [i % dims[0], (i / dims[0]) % dims[1], i / (dims[0] * dims[1])]
            var r = 0.0
            for a in 0..<3 where dims[a] > 1 { r += pow((Double(p[a]) - c[a]) / (0.4 * Double(dims[a])), 2) }
            region[i] = r <= 1 ? 1 : 0
        }
        return (target, source, region)
    }

    /// The discrete equation written out independently: sum_q (f_p - f_q) - v_pq for each unknown p.
    static func maxResidual(_ f: [Float], _ t: [Float], _ s: [Float], _ region: [UInt8], dims: [Int], alpha: Float) -> Double {
        var worst = 0.0
        let nx = dims[0], ny = dims[1], nz = dims[2]
        for z in 0..<nz {
            for y in 0..<ny {
                for x in 0..<nx {
                    let p = x + nx * (y + ny * z)
                    guard region[p] != 0 else { continue }
                    var sum = 0.0
                    for (dx, dy, dz) in [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
                        let qx = x + dx, qy = y + dy, qz = z + dz
                        guard qx >= 0, qx < nx, qy >= 0, qy < ny, qz >= 0, qz < nz else { continue }
                        let q = qx + nx * (qy + ny * qz)
                        let a = Double((1 - alpha) * (t[p] - t[q])), b = Double(alpha * (s[p] - s[q]))
                        let guidance = abs(a) > abs(b) ? a : b
                        let fq = region[q] != 0 ? Double(f[q]) : Double(t[q])
                        sum += Double(f[p]) - fq - guidance
                    }
                    worst = max(worst, abs(sum))
                }
            }
        }
        return worst
    }

    @Test(arguments: [[24, 20, 1], [10, 9, 8]])
    func solutionSatisfiesTheDiscreteEquation(dims: [Int]) throws {
        let (t, s, region) = Self.problem(dims: dims, seed: 21)
        let solution = try PoissonImageInterpolation.solve(target: t, source: s, region: region, dims: dims,
                                                           alpha: 0.6, tolerance: 1e-8)
        #expect(solution.relativeResidual <= 1e-8)
        #expect(solution.iterations > 1)
        // Float storage of the solution bounds what the independent check can see.
        #expect(Self.maxResidual(solution.values, t, s, region, dims: dims, alpha: 0.6) < 1e-4)
        for i in region.indices where region[i] == 0 { #expect(solution.values[i] == t[i]) }
        // The initial guess (the target) does not satisfy it: the check can fail.
        #expect(Self.maxResidual(t, t, s, region, dims: dims, alpha: 0.6) > 0.1)
    }

    @Test func alphaZeroReproducesTheTarget() throws {
        let dims = [16, 14, 1]
        let (t, s, region) = Self.problem(dims: dims, seed: 4)
        let solution = try PoissonImageInterpolation.solve(target: t, source: s, region: region, dims: dims,
                                                           alpha: 0, tolerance: 1e-10)
        for i in t.indices { #expect(abs(solution.values[i] - t[i]) < 1e-5) }
    }
}
