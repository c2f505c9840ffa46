import MedadTensor
import Testing

@Suite struct MatmulTests {
    @Test func knownProduct() {
        let a = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        let b = Tensor(shape: [3, 2], values: [7, 8, 9, 10, 11, 12])
        #expect(matmul(a, b).values == [58, 64, 139, 154])
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func gradientsOfEveryTransposeCombination(transposeA: Bool, transposeB: Bool) {
        let (m, k, n) = (3, 4, 5)
        let a = randomTensor(transposeA ? [k, m] : [m, k], seed: 1)
        let b = randomTensor(transposeB ? [n, k] : [k, n], seed: 2)
        checkGradients("matmul tA=\(transposeA) tB=\(transposeB)", inputs: [a, b],
                       op: { matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB) },
                       reference: { x in
                           let am = transposeA ? referenceTranspose(x[0], rows: k, columns: m) : x[0]
                           let bm = transposeB ? referenceTranspose(x[1], rows: n, columns: k) : x[1]
                           return referenceMatmul(am, bm, m: m, k: k, n: n)
                       })
    }

    @Test(arguments: [false, true])
    func batchedAndSharedWeightGradients(sharedB: Bool) {
        let (batch, m, k, n) = (3, 2, 4, 3)
        let a = randomTensor([batch, m, k], seed: 3)
        let b = randomTensor(sharedB ? [k, n] : [batch, k, n], seed: 4)
        checkGradients("batched matmul shared=\(sharedB)", inputs: [a, b], op: { matmul($0[0], $0[1]) }) { x in
            (0..<batch).flatMap { i in
                referenceMatmul(Array(x[0][(i * m * k)..<((i + 1) * m * k)]),
                                sharedB ? x[1] : Array(x[1][(i * k * n)..<((i + 1) * k * n)]), m: m, k: k, n: n)
            }
        }
    }

    /// Products big enough for the thread team: whole products per thread (batch 4), bands of rows
    /// (tall) or of columns (wide) of each product (batch 1 and 3), with every transpose; band edges
    /// at multiples of 16 must leave no row or column out or twice.
    @Test(arguments: [(1, 130, 37, 60, false, false), (3, 45, 150, 70, true, false),
                      (4, 70, 60, 66, false, true), (3, 150, 33, 58, true, true)])
    func threadTeamSplitsMatchReference(batch: Int, m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) {
        let a = randomTensor([batch] + (transposeA ? [k, m] : [m, k]), seed: 5)
        let b = randomTensor([batch] + (transposeB ? [n, k] : [k, n]), seed: 6)
        let y = withNoGrad { matmul(a, b, transposeA: transposeA, transposeB: transposeB) }
        let (av, bv) = (a.values.map(Double.init), b.values.map(Double.init))
        let expected = (0..<batch).flatMap { i in
            let ai = Array(av[(i * m * k)..<((i + 1) * m * k)]), bi = Array(bv[(i * k * n)..<((i + 1) * k * n)])
            return referenceMatmul(transposeA ? referenceTranspose(ai, rows: k, columns: m) : ai,
                                   transposeB ? referenceTranspose(bi, rows: n, columns: k) : bi, m: m, k: k, n: n)
        }
        let worst = zip(y.values, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
        #expect(y.shape == [batch, m, n] && worst < 1e-4, "largest error \(worst)")
    }
}
