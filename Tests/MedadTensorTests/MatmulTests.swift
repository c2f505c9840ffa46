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
}
