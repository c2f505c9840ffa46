import MedadTensor
import Testing

/// Nearest ×2 upsampling of [N, C, H, W] in double precision.
func referenceUpsample2x(_ x: [Double], planes: Int, h: Int, w: Int) -> [Double] {
    var up: [Double] = []
    for p in 0..<planes { for i in 0..<(2 * h) { for j in 0..<(2 * w) { up.append(x[(p * h + i / 2) * w + j / 2]) } } }
    return up
}

@Suite struct UpsampledConvTests {
    /// The phase decomposition must equal upsampling then a 3×3 convolution, in values and in the
    /// gradients of both x and the weight, including the border rows and columns and odd sizes.
    @Test(arguments: [(1, 1, 1, 1, 1), (2, 3, 4, 5, 2), (1, 2, 3, 2, 4)])
    func matchesUpsampleThenConvolve(n: Int, cin: Int, h: Int, w: Int, cout: Int) {
        let x = randomTensor([n, cin, h, w], seed: 51)
        let weight = randomTensor([cout, cin, 3, 3], seed: 52)
        let upsampled = ConvCase(n: n, cin: cin, h: 2 * h, w: 2 * w, cout: cout, kh: 3, kw: 3, padding: 1, bias: false)
        checkGradients("upsampledConv3x3 x[\(n),\(cin),\(h),\(w)] → \(cout)", inputs: [x, weight],
                       op: { upsampledConv3x3($0[0], weight: $0[1]) },
                       reference: { referenceConv2d(referenceUpsample2x($0[0], planes: n * cin, h: h, w: w), $0[1], nil, upsampled) })
    }

    @Test func knownValuesAndNominalCost() {
        // A 3×3 ones kernel over the upsampled [[1, 2], [3, 4]]: each output sums its neighbourhood.
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4])
        let weight = Tensor(shape: [1, 1, 3, 3], repeating: 1)
        var y = Tensor(shape: [1], values: [0])
        let flops = FLOPCounter.count { y = upsampledConv3x3(x, weight: weight) }
        #expect(y.values == [4, 8, 10, 8,
                             10, 18, 21, 16,
                             14, 24, 27, 20,
                             12, 20, 22, 16])
        // Counted as the 3×3 convolution over the 4×4 upsampled image it stands for.
        #expect(flops == 2 * 9 * 16)
    }
}
