import MedadSupport
import MedadTensor
import Testing

/// Plain double-precision depthwise K×K convolution with zero padding K/2 over tokens [B, H·W, C].
func referenceDepthwiseGridConv(_ x: [Double], _ w: [Double], _ bias: [Double]?, b: Int, h: Int, wide: Int, c: Int, k: Int) -> [Double] {
    var y = [Double](repeating: 0, count: b * h * wide * c)
    for n in 0..<b { for i in 0..<h { for j in 0..<wide { for ch in 0..<c {
        var sum = bias?[ch] ?? 0
        for a in 0..<k { for e in 0..<k {
            let (si, sj) = (i + a - k / 2, j + e - k / 2)
            guard si >= 0 && si < h && sj >= 0 && sj < wide else { continue }
            sum += w[(ch * k + a) * k + e] * x[((n * h + si) * wide + sj) * c + ch]
        } }
        y[((n * h + i) * wide + j) * c + ch] = sum
    } } } }
    return y
}

@Suite struct DepthwiseGridConvTests {
    @Test func knownValues() {
        // One channel on a 2×2 grid, all taps 1: every output is the sum of the grid's four tokens
        // that its 3×3 window covers, which is all four; the bias adds 10.
        let x = Tensor(shape: [1, 4, 1], values: [1, 2, 3, 4])
        let w = Tensor(shape: [1, 1, 3, 3], repeating: 1), bias = Tensor(shape: [1], values: [10])
        #expect(depthwiseGridConv2d(x, grid: [2, 2], weight: w, bias: bias).values == [20, 20, 20, 20])
        // Only the centre tap: the identity.
        let centre = Tensor(shape: [1, 1, 3, 3], values: [0, 0, 0, 0, 1, 0, 0, 0, 0])
        #expect(depthwiseGridConv2d(x, grid: [2, 2], weight: centre).values == [1, 2, 3, 4])
    }

    /// Counted as the dense K×K products over every token and channel, padding included, as a
    /// convolution's nominal FLOPs are.
    @Test func countsItsFLOPs() {
        let x = Tensor(shape: [2, 12, 5], repeating: 1), w = Tensor(shape: [5, 1, 3, 3], repeating: 1)
        #expect(FLOPCounter.count { _ = depthwiseGridConv2d(x, grid: [3, 4], weight: w) } == 2 * 2 * 12 * 5 * 9)
    }

    @Test(arguments: [(2, 3, 4, 5, 3, true), (1, 5, 2, 3, 3, false), (2, 4, 4, 2, 5, true), (1, 1, 6, 3, 1, true)])
    func gradientsAgainstReference(b: Int, h: Int, w: Int, c: Int, k: Int, withBias: Bool) {
        let x = randomTensor([b, h * w, c], seed: 41), weight = randomTensor([c, 1, k, k], seed: 42), bias = randomTensor([c], seed: 43)
        checkGradients("depthwiseGridConv2d B\(b) \(h)×\(w) C\(c) k\(k)", inputs: withBias ? [x, weight, bias] : [x, weight],
                       op: { depthwiseGridConv2d($0[0], grid: [h, w], weight: $0[1], bias: withBias ? $0[2] : nil) },
                       reference: { referenceDepthwiseGridConv($0[0], $0[1], withBias ? $0[2] : nil, b: b, h: h, wide: w, c: c, k: k) })
    }

    /// The same function as the grouped convolution on the [B, C, H, W] layout, forward and backward.
    @Test func equalsTheGroupedConvolution() {
        let (b, h, w, c) = (2, 5, 3, 6)
        let x = randomTensor([b, h * w, c], seed: 44), weight = randomTensor([c, 1, 3, 3], seed: 45), bias = randomTensor([c], seed: 46)
        let seed = randomTensor([b, h * w, c], seed: 47)
        func run(_ op: (Tensor) -> Tensor) -> [[Float]] {
            for t in [x, weight, bias] { t.zeroGrad(); t.requiresGrad = true }
            let y = op(x)
            y.backward(seed)
            return [y.values] + [x, weight, bias].map { $0.grad!.values }
        }
        let grid = run { depthwiseGridConv2d($0, grid: [h, w], weight: weight, bias: bias) }
        let grouped = run { x in
            conv2d(x.transposed(1, 2).reshaped([b, c, h, w]), weight: weight, bias: bias, padding: 1, groups: c)
                .reshaped([b, c, h * w]).transposed(1, 2)
        }
        for (ours, theirs) in zip(grid, grouped) {
            #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) <= 1e-5 * (1 + abs($1)) })
        }
    }

    /// The weight-gradient reduction is split into a fixed number of token chunks, so its result must
    /// not depend on the number of threads.
    @Test func gradientsDoNotDependOnThreadCount() {
        let x = randomTensor([3, 40, 8], seed: 48), weight = randomTensor([8, 1, 3, 3], seed: 49), bias = randomTensor([8], seed: 50)
        let seed = randomTensor([3, 40, 8], seed: 51)
        let runs = [1, 2].map { threads in
            onThreads(threads) {
                for t in [x, weight, bias] { t.zeroGrad(); t.requiresGrad = true }
                depthwiseGridConv2d(x, grid: [5, 8], weight: weight, bias: bias).backward(seed)
                return [x, weight, bias].map { $0.grad!.values }
            }
        }
        #expect(runs[0] == runs[1])
    }
}
