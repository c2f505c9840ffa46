import CKernels

/// Row-major C = op(A)·op(B) for `batch` independent products, on the OpenMP team (ck_sgemm_ld).
/// A batch stride of 0 reuses one matrix for every product (a weight shared across the batch).
/// `ldb` and `ldc` are the row strides of B and C when they are column ranges of wider matrices (with
/// `strideC` between the products' Cs); by default every matrix is packed. `accumulate` adds into C
/// instead of overwriting it.
func gemm(batch: Int, m: Int, n: Int, k: Int,
          a: UnsafePointer<Float>, transposeA: Bool, strideA: Int,
          b: UnsafePointer<Float>, transposeB: Bool, strideB: Int, ldb: Int? = nil,
          c: UnsafeMutablePointer<Float>, ldc: Int? = nil, strideC: Int? = nil, accumulate: Bool = false) {
    FLOPCounter.add(2 * batch * m * n * k)
    let ldc = ldc ?? n
    ck_sgemm_ld(Int32(batch), Int32(m), Int32(n), Int32(k), a, transposeA ? 1 : 0, Int32(transposeA ? m : k), strideA,
                b, transposeB ? 1 : 0, Int32(ldb ?? (transposeB ? k : n)), strideB,
                c, Int32(ldc), strideC ?? m * ldc, accumulate ? 1 : 0)
}

/// Matrix product over the last two axes: a [..., M, K] times b [..., K, N] (either may be transposed
/// in place by the flags). b may also be a single matrix [K, N] shared by every batch entry of a.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul: needs matrices, got shapes \(a.shape) and \(b.shape)")
    let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
    let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
    let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
    let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
    let batchShape = Array(a.shape.dropLast(2))
    let sharedB = b.rank == 2
    precondition(k == kb && (sharedB || Array(b.shape.dropLast(2)) == batchShape),
                 "matmul: shapes \(a.shape) and \(b.shape) do not multiply (transposeA: \(transposeA), transposeB: \(transposeB))")
    let batch = Shape.count(batchShape)
    let out = Tensor(uninitialized: batchShape + [m, n])
    gemm(batch: batch, m: m, n: n, k: k,
         a: a.storage.pointer, transposeA: transposeA, strideA: m * k,
         b: b.storage.pointer, transposeB: transposeB, strideB: sharedB ? 0 : k * n,
         c: out.storage.pointer)
    return Tensor.record("matmul", out, inputs: [a, b]) { g in
        let gp = g.storage.pointer
        var gradA: Tensor?, gradB: Tensor?
        if a.requiresGrad {
            // dA = g·op(B)ᵀ, laid out like A (transposed back when A was used transposed).
            let da = Tensor(uninitialized: a.shape)
            if transposeA {
                gemm(batch: batch, m: k, n: m, k: n, a: b.storage.pointer, transposeA: transposeB, strideA: sharedB ? 0 : k * n,
                     b: gp, transposeB: true, strideB: m * n, c: da.storage.pointer)
            } else {
                gemm(batch: batch, m: m, n: k, k: n, a: gp, transposeA: false, strideA: m * n,
                     b: b.storage.pointer, transposeB: !transposeB, strideB: sharedB ? 0 : k * n, c: da.storage.pointer)
            }
            gradA = da
        }
        if b.requiresGrad {
            // dB = op(A)ᵀ·g, summed over the batch when B is shared.
            let db = Tensor(shape: b.shape, repeating: 0)
            let step = sharedB ? 0 : k * n
            for i in 0..<batch {
                let ai = a.storage.pointer + i * m * k, gi = gp + i * m * n
                if transposeB {
                    gemm(batch: 1, m: n, n: k, k: m, a: gi, transposeA: true, strideA: 0,
                         b: ai, transposeB: transposeA, strideB: 0, c: db.storage.pointer + i * step, accumulate: true)
                } else {
                    gemm(batch: 1, m: k, n: n, k: m, a: ai, transposeA: !transposeA, strideA: 0,
                         b: gi, transposeB: false, strideB: 0, c: db.storage.pointer + i * step, accumulate: true)
                }
            }
            gradB = db
        }
        return [gradA, gradB]
    }
}
