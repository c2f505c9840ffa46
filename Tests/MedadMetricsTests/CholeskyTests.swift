import MedadMetrics
import MedadSupport
import Testing

/// The Cholesky factor against a hand-worked 2 × 2 case and against its defining products.
struct CholeskyTests {
    /// A = [[4, 2], [2, 3]]: L = [[2, 0], [1, √2]], A⁻¹ = [[3, −2], [−2, 4]] / 8, L⁻¹ = [[1/2, 0], [−1/(2√2), 1/√2]].
    @Test func handWorkedTwoByTwo() {
        let factor = Cholesky([4, 2, 2, 3], d: 2)
        let root2 = 2.0.squareRoot()
        for (got, want) in zip(factor.lower, [2, 0, 1, root2]) { #expect(abs(got - want) < 1e-15) }
        for (got, want) in zip(factor.solve([2, 1]), [0.5, 0]) { #expect(abs(got - want) < 1e-15) }
        for (got, want) in zip(factor.inverseLower(), [0.5, 0, -1 / (2 * root2), 1 / root2]) { #expect(abs(got - want) < 1e-15) }
    }

    /// A random 6 × 6 A = B Bᵀ + I: L Lᵀ = A, A · solve(y) = y, and L⁻¹ L = I.
    @Test func reproducesItsMatrixAndInverts() {
        var rng = SeededRandom(seed: 5)
        let d = 6
        let b = (0..<(d * d)).map { _ in rng.nextNormal() }
        var a = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { for k in 0..<d { a[i * d + j] += b[i * d + k] * b[j * d + k] } }; a[i * d + i] += 1 }
        let factor = Cholesky(a, d: d), l = factor.lower, inverse = factor.inverseLower()
        let y = (0..<d).map { _ in rng.nextNormal() }, x = factor.solve(y)
        for i in 0..<d {
            var ax = 0.0
            for j in 0..<d {
                var product = 0.0, identity = 0.0
                for k in 0..<d { product += l[i * d + k] * l[j * d + k]; identity += inverse[i * d + k] * l[k * d + j] }
                #expect(abs(product - a[i * d + j]) < 1e-10)
                #expect(abs(identity - (i == j ? 1 : 0)) < 1e-10)
                if j > i { #expect(l[i * d + j] == 0 && inverse[i * d + j] == 0) }
                ax += a[i * d + j] * x[j]
            }
            #expect(abs(ax - y[i]) < 1e-10)
        }
    }
}
