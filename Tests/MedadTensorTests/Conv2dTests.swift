import MedadTensor
import Testing

/// One convolution configuration under test.
struct ConvCase: CustomTestStringConvertible, Sendable {
    var n = 1, cin = 1, h = 1, w = 1, cout = 1, kh = 1, kw = 1, stride = 1, padding = 0, groups = 1
    var bias = true
    var testDescription: String {
        "x[\(n),\(cin),\(h),\(w)] w[\(cout),\(cin / groups),\(kh),\(kw)] s\(stride) p\(padding) g\(groups)\(bias ? " +b" : "")"
    }
    var ho: Int { (h + 2 * padding - kh) / stride + 1 }
    var wo: Int { (w + 2 * padding - kw) / stride + 1 }
}

/// Plain double-precision grouped cross-correlation with zero padding, straight from the definition.
func referenceConv2d(_ x: [Double], _ wt: [Double], _ b: [Double]?, _ c: ConvCase) -> [Double] {
    let (cinG, coutG) = (c.cin / c.groups, c.cout / c.groups)
    var y = [Double](repeating: 0, count: c.n * c.cout * c.ho * c.wo)
    for n in 0..<c.n { for o in 0..<c.cout { for oh in 0..<c.ho { for ow in 0..<c.wo {
        var sum = b?[o] ?? 0
        for ci in 0..<cinG { for i in 0..<c.kh { for j in 0..<c.kw {
            let ih = oh * c.stride - c.padding + i, iw = ow * c.stride - c.padding + j
            guard ih >= 0 && ih < c.h && iw >= 0 && iw < c.w else { continue }
            let channel = (o / coutG) * cinG + ci
            sum += wt[((o * cinG + ci) * c.kh + i) * c.kw + j] * x[((n * c.cin + channel) * c.h + ih) * c.w + iw]
        } } }
        y[((n * c.cout + o) * c.ho + oh) * c.wo + ow] = sum
    } } } }
    return y
}

@Suite struct Conv2dTests {
    @Test func knownValues() {
        // 3×3 ones kernel over 1..9 with padding 1: each output is the sum of its 3×3 neighbourhood.
        let x = Tensor(shape: [1, 1, 3, 3], values: (1...9).map(Float.init))
        let w = Tensor(shape: [1, 1, 3, 3], repeating: 1)
        let y = conv2d(x, weight: w, bias: Tensor(shape: [1], values: [0.5]), padding: 1)
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.values == [12, 21, 16, 27, 45, 33, 24, 39, 28].map { $0 + 0.5 })
    }

    static let cases: [ConvCase] = [
        ConvCase(n: 2, cin: 3, h: 5, w: 6, cout: 4, kh: 3, kw: 3, padding: 1),
        ConvCase(n: 2, cin: 4, h: 7, w: 5, cout: 6, kh: 3, kw: 3, stride: 2, padding: 1, groups: 2),
        ConvCase(n: 2, cin: 4, h: 6, w: 5, cout: 4, kh: 3, kw: 3, padding: 1, groups: 4, bias: false),
        ConvCase(n: 1, cin: 3, h: 6, w: 5, cout: 6, kh: 3, kw: 3, stride: 2, groups: 3),
        ConvCase(n: 2, cin: 3, h: 4, w: 5, cout: 5),
        ConvCase(n: 2, cin: 4, h: 3, w: 3, cout: 6, groups: 2, bias: false),
        ConvCase(n: 1, cin: 3, h: 5, w: 5, cout: 2, stride: 2),
        ConvCase(n: 1, cin: 2, h: 5, w: 6, cout: 3, kh: 2, kw: 3, padding: 1),
        ConvCase(n: 1, cin: 2, h: 16, w: 16, cout: 3, kh: 8, kw: 8, stride: 8),
        // Winograd F(2×2, 3×3): odd and even sides (partial tiles at the border), with and without bias.
        ConvCase(n: 2, cin: 8, h: 5, w: 6, cout: 9, kh: 3, kw: 3, padding: 1),
        ConvCase(n: 1, cin: 9, h: 4, w: 3, cout: 8, kh: 3, kw: 3, padding: 1, bias: false),
        ConvCase(n: 1, cin: 8, h: 1, w: 2, cout: 8, kh: 3, kw: 3, padding: 1),
    ]

    @Test(arguments: cases)
    func gradientsAgainstReference(_ c: ConvCase) {
        check(c)
    }

    /// An image whose columns exceed the budget is lowered in bands of its output rows: here bands of 2
    /// rows out of 4, and of 3 out of 5.
    @Test(arguments: [(ConvCase(n: 2, cin: 3, h: 7, w: 6, cout: 4, kh: 3, kw: 3, stride: 2, padding: 1), 2),
                      (ConvCase(n: 1, cin: 2, h: 5, w: 6, cout: 3, kh: 2, kw: 3, padding: 1, bias: false), 3)])
    func bandsOfOutputRowsMatchTheReference(_ c: ConvCase, rows: Int) {
        ConvolutionMemory.$columnBudget.withValue(c.cin * c.kh * c.kw * c.wo * rows) { check(c) }
    }

    private func check(_ c: ConvCase, sourceLocation: SourceLocation = #_sourceLocation) {
        let x = randomTensor([c.n, c.cin, c.h, c.w], seed: 11)
        let w = randomTensor([c.cout, c.cin / c.groups, c.kh, c.kw], seed: 12)
        let b = randomTensor([c.cout], seed: 13)
        checkGradients("conv2d \(c.testDescription)", inputs: c.bias ? [x, w, b] : [x, w],
                       op: { conv2d($0[0], weight: $0[1], bias: c.bias ? $0[2] : nil,
                                    stride: c.stride, padding: c.padding, groups: c.groups) },
                       reference: { referenceConv2d($0[0], $0[1], c.bias ? $0[2] : nil, c) },
                       sourceLocation: sourceLocation)
    }

    /// Batches whose columns exceed the 10 MB budget are split into chunks of images; every chunk's
    /// outputs and input gradients, and the weight gradient accumulated over chunks, must equal the
    /// per-image results (one image fits the budget alone).
    /// im2col: 16·9 rows × 80² columns ≈ 3.7 MB per image, chunks of 2 images, then 1.
    /// Winograd: 16 positions × 400 tiles × 32 channels ≈ 0.8 MB per image, chunks of 3, 3, then 1.
    @Test(arguments: [(n: 3, cin: 16, cout: 2, size: 80), (n: 7, cin: 32, cout: 24, size: 40)])
    func chunkedBatchMatchesSingleImages(_ c: (n: Int, cin: Int, cout: Int, size: Int)) {
        let (n, cin, cout, size) = c
        let x = randomTensor([n, cin, size, size], seed: 21)
        let w = randomTensor([cout, cin, 3, 3], seed: 22, low: -0.1, high: 0.1)
        let seed = randomTensor([n, cout, size, size], seed: 23)
        x.requiresGrad = true
        w.requiresGrad = true
        let batched = conv2d(x, weight: w, padding: 1)
        batched.backward(seed)
        let batchedDx = x.grad!.values, batchedDw = w.grad!.values
        let outValues = batched.values
        var summedDw = [Float](repeating: 0, count: w.count)
        let imageIn = cin * size * size, imageOut = cout * size * size
        for i in 0..<n {
            w.zeroGrad()
            let xi = Tensor(shape: [1, cin, size, size], values: Array(x.values[(i * imageIn)..<((i + 1) * imageIn)]))
            xi.requiresGrad = true
            let yi = conv2d(xi, weight: w, padding: 1)
            yi.backward(Tensor(shape: yi.shape, values: Array(seed.values[(i * imageOut)..<((i + 1) * imageOut)])))
            #expect(largestDifference(yi.values, outValues[(i * imageOut)..<((i + 1) * imageOut)]) < 1e-4)
            #expect(largestDifference(xi.grad!.values, batchedDx[(i * imageIn)..<((i + 1) * imageIn)]) < 1e-4)
            for (j, v) in w.grad!.values.enumerated() { summedDw[j] += v }
        }
        #expect(largestDifference(summedDw, batchedDw[...]) < 1e-4)
    }

    /// Winograd F(2×2, 3×3) on a zoo-sized layer against the double-precision definition: forward
    /// within float32 rounding of a 576-term sum, relative to the output's scale.
    @Test func winogradMatchesDefinitionOnLargeLayer() {
        let c = ConvCase(n: 2, cin: 64, h: 12, w: 10, cout: 32, kh: 3, kw: 3, padding: 1)
        let x = randomTensor([c.n, c.cin, c.h, c.w], seed: 31)
        let w = randomTensor([c.cout, c.cin, 3, 3], seed: 32)
        let b = randomTensor([c.cout], seed: 33)
        let got = conv2d(x, weight: w, bias: b, padding: 1).values
        let expected = referenceConv2d(x.values.map(Double.init), w.values.map(Double.init), b.values.map(Double.init), c)
        let scale = expected.map(abs).max()!
        let worst = zip(got, expected).map { abs(Double($0) - $1) }.max()!
        #expect(worst / scale < 1e-5, "worst error \(worst) at scale \(scale)")
    }

    /// Float32 results of differently blocked GEMMs agree to rounding, relative to magnitude.
    private func largestDifference(_ a: [Float], _ b: ArraySlice<Float>) -> Float {
        zip(a, b).map { abs($0 - $1) / (1 + abs($0)) }.max() ?? 0
    }
}
