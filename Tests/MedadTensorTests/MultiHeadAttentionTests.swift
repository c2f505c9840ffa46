import MedadTensor
import Testing

/// The fused attention op against the same attention composed of the ops it replaces (each checked
/// against finite differences elsewhere): permute qkv to heads, q·kᵀ/√Dh (+ mask), softmax or
/// σ(· − shift), ·v, heads back side by side. The kernel's own reference test is in CKernelsReference.
@Suite struct MultiHeadAttentionTests {
    static func composed(_ qkv: Tensor, heads: Int, mask: Tensor?, sigmoidShift: Float?) -> Tensor {
        let (b, l, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
        let headDim = d / heads
        let parts = qkv.reshaped([b, l, 3, heads, headDim]).permuted([2, 0, 3, 1, 4]).split(sizes: [1, 1, 1], axis: 0)
            .map { $0.reshaped([b * heads, l, headDim]) }
        var scores = matmul(parts[0], parts[1], transposeB: true) * (1 / Float(headDim).squareRoot())
        if let mask { scores = scores + mask }
        let weights = sigmoidShift.map { sigmoid(scores - $0) } ?? softmax(scores, axis: -1)
        return matmul(weights, parts[2]).reshaped([b, heads, l, headDim]).permuted([0, 2, 1, 3]).reshaped([b, l, d])
    }

    /// Query i sees keys j with |i − j| ≤ 1.
    static func bandMask(_ l: Int) -> Tensor {
        Tensor(shape: [l, l], values: (0..<(l * l)).map { abs($0 / l - $0 % l) <= 1 ? 0 : -Float.infinity })
    }

    /// (batch, tokens, heads, head channels): one on the calling thread, one split over the team.
    @Test(arguments: [(2, 5, 2, 3), (3, 40, 3, 16)], [(false, false), (true, false), (true, true)])
    func matchesTheComposedOps(shape: (Int, Int, Int, Int), variant: (masked: Bool, sigmoid: Bool)) {
        let (b, l, heads, headDim) = shape
        let mask = variant.masked ? Self.bandMask(l) : nil
        let shift: Float? = variant.sigmoid ? 1.1 : nil
        var results: [(out: [Float], grad: [Float])] = []
        for fused in [true, false] {
            let qkv = randomTensor([b, l, 3 * heads * headDim], seed: 7, low: -1.5, high: 1.5)
            qkv.requiresGrad = true
            let out = fused ? multiHeadAttention(qkv, heads: heads, mask: mask, sigmoidShift: shift)
                            : Self.composed(qkv, heads: heads, mask: mask, sigmoidShift: shift)
            out.backward(randomTensor(out.shape, seed: 8))
            results.append((out.values, qkv.grad!.values))
        }
        let outError = zip(results[0].out, results[1].out).map { abs($0 - $1) }.max()!
        let gradError = zip(results[0].grad, results[1].grad).map { abs($0 - $1) }.max()!
        #expect(results[0].out.count == b * l * heads * headDim && outError < 1e-5 && gradError < 1e-5,
                "output off by \(outError), gradient of qkv by \(gradError)")
    }

    /// The FLOP count of the zoo table: the fused op counts its two products as the composed ones do.
    @Test func countsTheFLOPsOfItsTwoProducts() {
        let qkv = randomTensor([2, 10, 3 * 12], seed: 3)
        let fused = FLOPCounter.count { _ = multiHeadAttention(qkv, heads: 3) }
        #expect(fused == FLOPCounter.count { _ = Self.composed(qkv, heads: 3, mask: nil, sigmoidShift: nil) })
        #expect(fused == 4 * 2 * 10 * 10 * 12)
    }
}
