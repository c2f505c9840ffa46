import MedadTensor
import Testing

/// Plain double-precision square-window pooling over NCHW without padding.
func referencePool(_ x: [Double], planes: Int, h: Int, w: Int, kernel: Int, stride: Int, max: Bool) -> [Double] {
    let (ho, wo) = ((h - kernel) / stride + 1, (w - kernel) / stride + 1)
    var y: [Double] = []
    for p in 0..<planes { for oh in 0..<ho { for ow in 0..<wo {
        var window: [Double] = []
        for i in 0..<kernel { for j in 0..<kernel { window.append(x[(p * h + oh * stride + i) * w + ow * stride + j]) } }
        y.append(max ? window.max()! : window.reduce(0, +) / Double(window.count))
    } } }
    return y
}

@Suite struct PoolingTests {
    @Test(arguments: [(2, 2), (3, 2), (3, 1), (1, 1)])
    func averageGradients(kernel: Int, stride: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 41)
        checkGradients("avgPool2d k\(kernel) s\(stride)", inputs: [x], op: { avgPool2d($0[0], kernel: kernel, stride: stride) },
                       reference: { referencePool($0[0], planes: 6, h: 7, w: 6, kernel: kernel, stride: stride, max: false) })
    }

    @Test(arguments: [(2, 2), (3, 2), (3, 1)])
    func maxGradients(kernel: Int, stride: Int) {
        let x = randomTensor([2, 3, 7, 6], seed: 42)
        checkGradients("maxPool2d k\(kernel) s\(stride)", inputs: [x], op: { maxPool2d($0[0], kernel: kernel, stride: stride) },
                       reference: { referencePool($0[0], planes: 6, h: 7, w: 6, kernel: kernel, stride: stride, max: true) })
    }

    @Test func knownValuesAndFirstMaximumGetsTheGradient() {
        let x = Tensor(shape: [1, 1, 2, 4], values: [1, 5, 2, 2,
                                                     3, 5, 0, 2])
        #expect(avgPool2d(x, kernel: 2, stride: 2).values == [3.5, 1.5])
        x.requiresGrad = true
        let y = maxPool2d(x, kernel: 2, stride: 2)
        #expect(y.values == [5, 2])
        y.backward(Tensor(shape: [1, 1, 1, 2], values: [10, 20]))
        // Ties (5 and 5, and the three 2s) send the gradient to the first in row-major order only.
        #expect(x.grad!.values == [0, 10, 20, 0,
                                   0, 0, 0, 0])
    }

    @Test func globalAverage() {
        let x = Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 10, 20, 30, 40])
        #expect(globalAvgPool2d(x).values == [2.5, 25])
        let r = randomTensor([2, 3, 3, 5], seed: 43)
        checkGradients("globalAvgPool2d", inputs: [r], op: { globalAvgPool2d($0[0]) }) { x in
            (0..<6).map { p in x[0][(p * 15)..<((p + 1) * 15)].reduce(0, +) / 15 }
        }
    }

    @Test func nearestUpsampling() {
        let x = Tensor(shape: [1, 1, 2, 2], values: [1, 2, 3, 4])
        #expect(upsampleNearest2x(x).values == [1, 1, 2, 2,
                                                1, 1, 2, 2,
                                                3, 3, 4, 4,
                                                3, 3, 4, 4])
        let r = randomTensor([2, 2, 3, 5], seed: 44)
        checkGradients("upsampleNearest2x", inputs: [r], op: { upsampleNearest2x($0[0]) }) { x in
            var y: [Double] = []
            for p in 0..<4 { for oh in 0..<6 { for ow in 0..<10 { y.append(x[0][(p * 3 + oh / 2) * 5 + ow / 2]) } } }
            return y
        }
    }
}
