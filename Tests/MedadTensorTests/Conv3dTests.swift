import MedadTensor
import Testing

/// One 3D convolution configuration under test: cubic window, the same stride and padding on every axis.
struct Conv3dCase: CustomTestStringConvertible, Sendable {
    var n = 1, cin = 1, d = 1, h = 1, w = 1, cout = 1, k = 1, stride = 1, padding = 0, groups = 1
    var bias = true
    var testDescription: String {
        "x[\(n),\(cin),\(d),\(h),\(w)] w[\(cout),\(cin / groups),\(k)³] s\(stride) p\(padding) g\(groups)\(bias ? " +b" : "")"
    }
    func out(_ size: Int) -> Int { (size + 2 * padding - k) / stride + 1 }
    var xShape: [Int] { [n, cin, d, h, w] }
    var weightShape: [Int] { [cout, cin / groups, k, k, k] }
}

/// Plain double-precision grouped 3D cross-correlation with zero padding, straight from the definition.
func referenceConv3d(_ x: [Double], _ wt: [Double], _ b: [Double]?, _ c: Conv3dCase) -> [Double] {
    let (cinG, coutG, od, oh, ow) = (c.cin / c.groups, c.cout / c.groups, c.out(c.d), c.out(c.h), c.out(c.w))
    var y = [Double](repeating: 0, count: c.n * c.cout * od * oh * ow)
    for n in 0..<c.n { for o in 0..<c.cout { for zd in 0..<od { for zh in 0..<oh { for zw in 0..<ow {
        var sum = b?[o] ?? 0
        for ci in 0..<cinG { for a in 0..<c.k { for i in 0..<c.k { for j in 0..<c.k {
            let id = zd * c.stride - c.padding + a, ih = zh * c.stride - c.padding + i, iw = zw * c.stride - c.padding + j
            guard id >= 0 && id < c.d && ih >= 0 && ih < c.h && iw >= 0 && iw < c.w else { continue }
            let channel = (o / coutG) * cinG + ci
            sum += wt[(((o * cinG + ci) * c.k + a) * c.k + i) * c.k + j]
                * x[(((n * c.cin + channel) * c.d + id) * c.h + ih) * c.w + iw]
        } } } }
        y[(((n * c.cout + o) * od + zd) * oh + zh) * ow + zw] = sum
    } } } } }
    return y
}

@Suite struct Conv3dTests {
    static let cases: [Conv3dCase] = [
        Conv3dCase(n: 2, cin: 3, d: 4, h: 5, w: 3, cout: 4, k: 3, padding: 1),
        Conv3dCase(n: 2, cin: 4, d: 5, h: 4, w: 6, cout: 6, k: 3, stride: 2, padding: 1, groups: 2),
        Conv3dCase(n: 1, cin: 3, d: 5, h: 6, w: 4, cout: 3, k: 3, stride: 2, bias: false),
        Conv3dCase(n: 2, cin: 4, d: 4, h: 3, w: 5, cout: 4, k: 2, padding: 1, groups: 2, bias: false),
        Conv3dCase(n: 1, cin: 3, d: 6, h: 5, w: 5, cout: 4, k: 2, stride: 2),
        // 1×1×1: multiplied directly, or lowered when strided or padded.
        Conv3dCase(n: 2, cin: 4, d: 3, h: 3, w: 4, cout: 2, groups: 2, bias: false),
        Conv3dCase(n: 2, cin: 3, d: 3, h: 4, w: 3, cout: 2, stride: 2, padding: 1),
    ]

    @Test(arguments: cases)
    func gradientsAgainstReference(_ c: Conv3dCase) {
        check(c)
    }

    /// Volumes whose columns exceed the budget are lowered in bands of output rows (od, oh), here 3 rows
    /// of 4 per plane, so bands start inside planes and neighbouring bands read the same input planes;
    /// batches of images that fit it together are lowered together.
    @Test(arguments: [(Conv3dCase(n: 2, cin: 3, d: 5, h: 4, w: 5, cout: 4, k: 3, padding: 1), 3),
                      (Conv3dCase(n: 1, cin: 4, d: 6, h: 6, w: 5, cout: 4, k: 3, stride: 2, padding: 1, groups: 2), 2),
                      (Conv3dCase(n: 3, cin: 2, d: 3, h: 3, w: 4, cout: 3, k: 2), 8)])
    func bandsOfOutputRowsMatchTheReference(_ c: Conv3dCase, rows: Int) {
        ConvolutionMemory.$columnBudget.withValue(c.cin * c.k * c.k * c.k * c.out(c.w) * rows) { check(c) }
    }

    /// A 12³ volume with its 144 output rows in bands of 5 against the whole volume lowered at once:
    /// outputs and both gradients agree to float rounding (the sums are blocked differently).
    /// Two volumes, each lowered in bands, as training batches are; with stride 1 and 2.
    @Test(arguments: [1, 2])
    func bandedVolumeMatchesWholeVolume(stride: Int) {
        let x = randomTensor([2, 8, 12, 12, 12], seed: 71), w = randomTensor([6, 8, 3, 3, 3], seed: 72, low: -0.2, high: 0.2)
        let side = 12 / stride
        let b = randomTensor([6], seed: 73), seed = randomTensor([2, 6, side, side, side], seed: 74)
        func run() -> [[Float]] {
            for t in [x, w, b] { t.zeroGrad(); t.requiresGrad = true }
            let y = conv3d(x, weight: w, bias: b, stride: stride, padding: 1)
            y.backward(seed)
            return [y.values, x.grad!.values, w.grad!.values, b.grad!.values]
        }
        let whole = run()
        let banded = ConvolutionMemory.$columnBudget.withValue(8 * 27 * 12 * 5) { run() }
        // Bands sum the weight gradient in another order: float32 rounding of ~3500-term sums, not more.
        for (a, b) in zip(whole, banded) {
            #expect(zip(a, b).map { abs($0 - $1) / (1 + abs($0)) }.max()! < 1e-4)
        }
    }

    @Test func countsFLOPsAsTheDefinition() {
        let c = Conv3dCase(n: 2, cin: 4, d: 5, h: 4, w: 6, cout: 6, k: 3, stride: 2, padding: 1, groups: 2)
        let x = randomTensor(c.xShape, seed: 75), w = randomTensor(c.weightShape, seed: 76)
        let flops = FLOPCounter.count { _ = conv3d(x, weight: w, stride: 2, padding: 1, groups: 2) }
        #expect(flops == 2 * c.n * c.cout * (c.cin / c.groups) * 27 * c.out(c.d) * c.out(c.h) * c.out(c.w))
    }

    private func check(_ c: Conv3dCase, sourceLocation: SourceLocation = #_sourceLocation) {
        let x = randomTensor(c.xShape, seed: 61), w = randomTensor(c.weightShape, seed: 62), b = randomTensor([c.cout], seed: 63)
        checkGradients("conv3d \(c.testDescription)", inputs: c.bias ? [x, w, b] : [x, w],
                       op: { conv3d($0[0], weight: $0[1], bias: c.bias ? $0[2] : nil,
                                    stride: c.stride, padding: c.padding, groups: c.groups) },
                       reference: { referenceConv3d($0[0], $0[1], c.bias ? $0[2] : nil, c) },
                       sourceLocation: sourceLocation)
    }
}
