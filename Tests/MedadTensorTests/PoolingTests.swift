import MedadTensor
import Testing

/// Plain double-precision pooling without padding over NCHW (depth 1, square windows) or NCDHW (cubic
/// windows: `volumetric`).
func referencePool(_ x: [Double], planes: Int, d: Int = 1, h: Int, w: Int, kernel: Int, stride: Int, max: Bool,
                   volumetric: Bool = false) -> [Double] {
    let kd = volumetric ? kernel : 1
    let (od, oh, ow) = ((d - kd) / stride + 1, (h - kernel) / stride + 1, (w - kernel) / stride + 1)
    var y: [Double] = []
    for p in 0..<planes { for zd in 0..<od { for zh in 0..<oh { for zw in 0..<ow {
        var window: [Double] = []
        for a in 0..<kd { for i in 0..<kernel { for j in 0..<kernel {
            window.append(x[((p * d + zd * stride + a) * h + zh * stride + i) * w + zw * stride + j])
        } } }
        y.append(max ? window.max()! : window.reduce(0, +) / Double(window.count))
    } } } }
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

    @Test(arguments: [(2, 2), (3, 2), (3, 1), (1, 1)])
    func averageGradients3d(kernel: Int, stride: Int) {
        let x = randomTensor([2, 2, 5, 4, 6], seed: 45)
        checkGradients("avgPool3d k\(kernel) s\(stride)", inputs: [x], op: { avgPool3d($0[0], kernel: kernel, stride: stride) },
                       reference: { referencePool($0[0], planes: 4, d: 5, h: 4, w: 6, kernel: kernel, stride: stride, max: false,
                                                  volumetric: true) })
    }

    @Test(arguments: [(2, 2), (3, 2), (3, 1)])
    func maxGradients3d(kernel: Int, stride: Int) {
        let x = randomTensor([2, 2, 5, 4, 6], seed: 46)
        checkGradients("maxPool3d k\(kernel) s\(stride)", inputs: [x], op: { maxPool3d($0[0], kernel: kernel, stride: stride) },
                       reference: { referencePool($0[0], planes: 4, d: 5, h: 4, w: 6, kernel: kernel, stride: stride, max: true,
                                                  volumetric: true) })
    }

    @Test func firstMaximumOfACubeGetsTheGradient() {
        // One 2×2×2 window: the maximum 5 appears at (0, 1, 0), (1, 0, 0) and (1, 1, 1); raster order
        // (d, h, w) puts (0, 1, 0) first.
        let x = Tensor(shape: [1, 1, 2, 2, 2], values: [1, 2, 5, 0,
                                                        5, 3, 4, 5])
        x.requiresGrad = true
        let y = maxPool3d(x, kernel: 2, stride: 2)
        #expect(y.values == [5])
        #expect(avgPool3d(x, kernel: 2, stride: 2).values == [25 / 8])
        y.backward(Tensor(shape: [1, 1, 1, 1, 1], values: [7]))
        #expect(x.grad!.values == [0, 0, 7, 0,
                                   0, 0, 0, 0])
    }

    @Test func globalAverage() {
        let x = Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 10, 20, 30, 40])
        #expect(globalAvgPool(x).values == [2.5, 25])
        let r = randomTensor([2, 3, 3, 5], seed: 43)
        checkGradients("globalAvgPool", inputs: [r], op: { globalAvgPool($0[0]) }) { x in
            (0..<6).map { p in x[0][(p * 15)..<((p + 1) * 15)].reduce(0, +) / 15 }
        }
    }

    @Test(arguments: [[2, 3, 2, 3, 4], [2, 3, 7]])
    func globalAverageOfVolumesAndSequences(_ shape: [Int]) {
        let r = randomTensor(shape, seed: 47), planes = shape[0] * shape[1], size = r.count / planes
        checkGradients("globalAvgPool \(shape)", inputs: [r], op: { globalAvgPool($0[0]) }) { x in
            (0..<planes).map { p in x[0][(p * size)..<((p + 1) * size)].reduce(0, +) / Double(size) }
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

    @Test func nearestUpsamplingOfVolumes() {
        let x = Tensor(shape: [1, 1, 2, 1, 1], values: [1, 2])
        #expect(upsampleNearest2x(x).shape == [1, 1, 4, 2, 2])
        #expect(upsampleNearest2x(x).values == [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2])
        let r = randomTensor([2, 2, 3, 2, 4], seed: 48)
        checkGradients("upsampleNearest2x volume", inputs: [r], op: { upsampleNearest2x($0[0]) }) { x in
            var y: [Double] = []
            for p in 0..<4 { for od in 0..<6 { for oh in 0..<4 { for ow in 0..<8 {
                y.append(x[0][((p * 3 + od / 2) * 2 + oh / 2) * 4 + ow / 2])
            } } } }
            return y
        }
    }
}
