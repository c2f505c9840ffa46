import MedadTensor
import Testing

/// Plain double-precision depthwise causal convolution over [B, L, C] from the definition.
func referenceCausalConv1d(_ x: [Double], _ w: [Double], _ bias: [Double]?, b: Int, l: Int, c: Int, k: Int) -> [Double] {
    var y = [Double](repeating: 0, count: b * l * c)
    for n in 0..<b { for t in 0..<l { for ch in 0..<c {
        var sum = bias?[ch] ?? 0
        for j in 0..<k where t - (k - 1) + j >= 0 {
            sum += w[ch * k + j] * x[(n * l + t - (k - 1) + j) * c + ch]
        }
        y[(n * l + t) * c + ch] = sum
    } } }
    return y
}

@Suite struct CausalConv1dTests {
    @Test func knownValues() {
        // One channel, taps [1, 2, 3]: y[t] = x[t−2] + 2·x[t−1] + 3·x[t], nothing before t = 0.
        let x = Tensor(shape: [1, 4, 1], values: [1, 2, 3, 4])
        let w = Tensor(shape: [1, 1, 3], values: [1, 2, 3])
        #expect(causalDepthwiseConv1d(x, weight: w, bias: nil).values == [3, 8, 14, 20])
    }

    /// Counted as k products per output, the zeros before t = 0 included.
    @Test func countsItsFLOPs() {
        let x = Tensor(shape: [2, 7, 3], repeating: 1), w = Tensor(shape: [3, 1, 4], repeating: 1)
        #expect(FLOPCounter.count { _ = causalDepthwiseConv1d(x, weight: w) } == 2 * 2 * 7 * 3 * 4)
    }

    @Test(arguments: [(2, 6, 3, 4, true), (1, 5, 2, 1, true), (2, 3, 4, 5, false)])
    func gradientsAgainstReference(b: Int, l: Int, c: Int, k: Int, withBias: Bool) {
        let x = randomTensor([b, l, c], seed: 31), w = randomTensor([c, 1, k], seed: 32), bias = randomTensor([c], seed: 33)
        checkGradients("causalDepthwiseConv1d B\(b) L\(l) C\(c) k\(k)", inputs: withBias ? [x, w, bias] : [x, w],
                       op: { causalDepthwiseConv1d($0[0], weight: $0[1], bias: withBias ? $0[2] : nil) },
                       reference: { referenceCausalConv1d($0[0], $0[1], withBias ? $0[2] : nil, b: b, l: l, c: c, k: k) })
    }

    /// The weight-gradient reduction is split into a fixed number of row chunks, so its result must
    /// not depend on the number of threads.
    @Test func gradientsDoNotDependOnThreadCount() {
        let x = randomTensor([3, 50, 8], seed: 34), w = randomTensor([8, 1, 4], seed: 35), bias = randomTensor([8], seed: 36)
        let seed = randomTensor([3, 50, 8], seed: 37)
        let runs = [1, 2].map { threads in
            onThreads(threads) {
                for t in [x, w, bias] { t.zeroGrad(); t.requiresGrad = true }
                causalDepthwiseConv1d(x, weight: w, bias: bias).backward(seed)
                return [x, w, bias].map { $0.grad!.values }
            }
        }
        #expect(runs[0] == runs[1])
    }
}

/// Runs `body` with the OpenMP kernels on `threads` threads (on this thread only), then restores.
func onThreads<R>(_ threads: Int, _ body: () -> R) -> R {
    let previous = ComputeRuntime.threads
    ComputeRuntime.setThreads(threads)
    defer { ComputeRuntime.setThreads(previous) }
    return body()
}
