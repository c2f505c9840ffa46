import MedadMetrics
import MedadSupport
import Testing

/// Fisher's discriminant against values worked by hand and against its defining equation.
struct LinearDiscriminantTests {
    /// Class 0 at (±1, 0), (0, ±2) and class 1 the same shifted by (3, 4): within-class covariance
    /// diag(0.5, 2), mean difference (3, 4), so without shrinkage w = (3 / 0.5, 4 / 2) = (6, 2).
    @Test func handWorkedDiagonalCase() throws {
        let base: [[Float]] = [[1, 0], [-1, 0], [0, 2], [0, -2]]
        let rows = base.flatMap { $0 } + base.flatMap { [$0[0] + 3, $0[1] + 4] }
        let labels = [Bool](repeating: false, count: 4) + [Bool](repeating: true, count: 4)
        let plain = try LinearDiscriminant(rows: rows, labels: labels, features: 2, shrinkage: 0)
        #expect(abs(plain.weights[0] - 6) < 1e-12 && abs(plain.weights[1] - 2) < 1e-12)
        // Default shrinkage adds 1e-3 · trace / d = 1.25e-3 to the diagonal.
        let shrunk = try LinearDiscriminant(rows: rows, labels: labels, features: 2)
        #expect(abs(shrunk.weights[0] - 3 / 0.50125) < 1e-12 && abs(shrunk.weights[1] - 4 / 2.00125) < 1e-12)
        let scores = plain.scores([1, 1, 0, 0])
        #expect(scores.count == 2 && abs(scores[0] - 8) < 1e-12 && scores[1] == 0)
    }

    /// Correlated features: (Σ + λI) w = Δμ holds, with Σ and Δμ computed here in plain loops.
    @Test func solvesItsNormalEquationsWithCorrelatedFeatures() throws {
        var rng = SeededRandom(seed: 11)
        let d = 5, n = 400
        var rows = [Float](), labels = [Bool]()
        for i in 0..<n {
            let label = i % 3 == 0
            let shared = Float(rng.nextNormal())
            for k in 0..<d { rows.append(shared * Float(k + 1) / 2 + Float(rng.nextNormal()) + (label ? Float(k) * 0.3 : 0)) }
            labels.append(label)
        }
        let probe = try LinearDiscriminant(rows: rows, labels: labels, features: d, shrinkage: 0.01)
        var mean = [[Double]](repeating: [Double](repeating: 0, count: d), count: 2), count = [0.0, 0.0]
        for i in 0..<n {
            let g = labels[i] ? 1 : 0
            count[g] += 1
            for k in 0..<d { mean[g][k] += Double(rows[i * d + k]) }
        }
        for g in 0..<2 { for k in 0..<d { mean[g][k] /= count[g] } }
        var sigma = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<n {
            let m = mean[labels[i] ? 1 : 0]
            for a in 0..<d { for b in 0..<d { sigma[a][b] += (Double(rows[i * d + a]) - m[a]) * (Double(rows[i * d + b]) - m[b]) / Double(n) } }
        }
        let ridge = 0.01 * (0..<d).reduce(0) { $0 + sigma[$1][$1] } / Double(d)
        #expect(sigma[0][4] > 0.5, "the features should be correlated, covariance \(sigma[0][4])")
        for a in 0..<d {
            let lhs = (0..<d).reduce(0) { $0 + (sigma[a][$1] + (a == $1 ? ridge : 0)) * probe.weights[$1] }
            #expect(abs(lhs - (mean[1][a] - mean[0][a])) < 1e-9, "row \(a): \(lhs) against \(mean[1][a] - mean[0][a])")
        }
    }

    @Test func refusesOneClassAndRaggedRows() {
        #expect(throws: MedadError.self) { try LinearDiscriminant(rows: [1, 2, 3, 4], labels: [true, true], features: 2) }
        #expect(throws: MedadError.self) { try LinearDiscriminant(rows: [1, 2, 3], labels: [true, false], features: 2) }
    }
}
