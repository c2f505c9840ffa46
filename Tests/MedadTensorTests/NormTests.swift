import Foundation
import MedadTensor
import Testing

/// Plain double-precision normalisation of consecutive blocks of `block` values (biased variance),
/// then an affine map whose parameter index for flat position i is `feature(i)`.
func referenceNormalise(_ x: [Double], block: Int, eps: Double, weight: [Double]?, bias: [Double]?,
                        feature: (Int) -> Int) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    for start in stride(from: 0, to: x.count, by: block) {
        let values = x[start..<(start + block)]
        let mean = values.reduce(0, +) / Double(block)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(block)
        for i in start..<(start + block) {
            let f = feature(i)
            y[i] = (x[i] - mean) / (variance + eps).squareRoot() * (weight?[f] ?? 1) + (bias?[f] ?? 0)
        }
    }
    return y
}

@Suite struct NormTests {
    @Test func groupNormKnownValues() {
        // Two groups of one channel each: [1, 2, 3, 4] has mean 2.5 and biased variance 1.25,
        // [2, 4, 6, 8] mean 5 and variance 5.
        let x = Tensor(shape: [1, 2, 2, 2], values: [1, 2, 3, 4, 2, 4, 6, 8])
        let y = groupNorm(x, groups: 2, eps: 0).values
        let (s, t) = (Float(1.25).squareRoot(), Float(5).squareRoot())
        let want = [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s, -3 / t, -1 / t, 1 / t, 3 / t]
        for (got, want) in zip(y, want) { #expect(abs(got - want) < 1e-6) }
    }

    @Test(arguments: [(8, true), (8, false), (1, true), (16, true)])
    func groupNormGradients(groups: Int, affine: Bool) {
        let (n, c, h, w) = (2, 16, 3, 2)
        let x = randomTensor([n, c, h, w], seed: 51), weight = randomTensor([c], seed: 52), bias = randomTensor([c], seed: 53)
        checkGradients("groupNorm G\(groups) affine \(affine)", inputs: affine ? [x, weight, bias] : [x],
                       op: { groupNorm($0[0], groups: groups, weight: affine ? $0[1] : nil, bias: affine ? $0[2] : nil) },
                       reference: { v in
                           referenceNormalise(v[0], block: c / groups * h * w, eps: 1e-5, weight: affine ? v[1] : nil,
                                              bias: affine ? v[2] : nil, feature: { ($0 / (h * w)) % c })
                       })
    }

    /// Volumes [N, C, D, H, W]: each group normalises its channels' voxels together.
    @Test(arguments: [(4, true), (2, false)])
    func groupNormGradientsOnVolumes(groups: Int, affine: Bool) {
        let (n, c, d, h, w) = (2, 8, 3, 2, 3), voxels = d * h * w
        let x = randomTensor([n, c, d, h, w], seed: 54), weight = randomTensor([c], seed: 55), bias = randomTensor([c], seed: 56)
        checkGradients("groupNorm 5D G\(groups) affine \(affine)", inputs: affine ? [x, weight, bias] : [x],
                       op: { groupNorm($0[0], groups: groups, weight: affine ? $0[1] : nil, bias: affine ? $0[2] : nil) },
                       reference: { v in
                           referenceNormalise(v[0], block: c / groups * voxels, eps: 1e-5, weight: affine ? v[1] : nil,
                                              bias: affine ? v[2] : nil, feature: { ($0 / voxels) % c })
                       })
    }

    /// The fused GroupNorm + SiLU against silu of the double-precision normalisation, and bit for bit
    /// against the two ops one after the other (forward and gradients).
    @Test(arguments: [(8, true), (4, false)])
    func groupNormSiLUGradients(groups: Int, affine: Bool) {
        let (n, c, h, w) = (2, 16, 3, 2)
        let x = randomTensor([n, c, h, w], seed: 57), weight = randomTensor([c], seed: 58), bias = randomTensor([c], seed: 59)
        checkGradients("groupNormSiLU G\(groups) affine \(affine)", inputs: affine ? [x, weight, bias] : [x],
                       op: { groupNormSiLU($0[0], groups: groups, weight: affine ? $0[1] : nil, bias: affine ? $0[2] : nil) },
                       reference: { v in
                           referenceNormalise(v[0], block: c / groups * h * w, eps: 1e-5, weight: affine ? v[1] : nil,
                                              bias: affine ? v[2] : nil, feature: { ($0 / (h * w)) % c })
                               .map { $0 / (1 + Foundation.exp(-$0)) }
                       })
        let seed = randomTensor([n, c, h, w], seed: 60)
        func run(_ op: (Tensor, Tensor, Tensor) -> Tensor) -> [[Float]] {
            let inputs = [x, weight, bias].map { Tensor(shape: $0.shape, values: $0.values) }
            for input in inputs { input.requiresGrad = true }
            let y = op(inputs[0], inputs[1], inputs[2])
            y.backward(seed)
            return [y.values] + inputs.map { $0.grad!.values }
        }
        let fused = run { groupNormSiLU($0, groups: groups, weight: $1, bias: $2) }
        let separate = run { silu(groupNorm($0, groups: groups, weight: $1, bias: $2)) }
        #expect(fused == separate)
    }

    @Test func layerNormKnownValues() {
        // Rows [1, 2, 3, 4] (mean 2.5, variance 1.25) and [0, 0, 4, 4] (mean 2, variance 4).
        let x = Tensor(shape: [1, 2, 4], values: [1, 2, 3, 4, 0, 0, 4, 4])
        let y = layerNorm(x, weight: Tensor(shape: [4], values: [1, 1, 2, 2]), bias: Tensor(shape: [4], repeating: 1), eps: 0).values
        let s = Float(1.25).squareRoot()
        for (got, want) in zip(y, [1 - 1.5 / s, 1 - 0.5 / s, 1 + 1 / s, 1 + 3 / s, 0, 0, 3, 3]) { #expect(abs(got - want) < 1e-6) }
    }

    @Test(arguments: [true, false])
    func layerNormGradients(affine: Bool) {
        let (b, l, d) = (2, 3, 5)
        let x = randomTensor([b, l, d], seed: 54), weight = randomTensor([d], seed: 55), bias = randomTensor([d], seed: 56)
        checkGradients("layerNorm affine \(affine)", inputs: affine ? [x, weight, bias] : [x],
                       op: { layerNorm($0[0], weight: affine ? $0[1] : nil, bias: affine ? $0[2] : nil) },
                       reference: { v in
                           referenceNormalise(v[0], block: d, eps: 1e-5, weight: affine ? v[1] : nil,
                                              bias: affine ? v[2] : nil, feature: { $0 % d })
                       })
    }

    /// Parameter gradients are reduced in an order fixed by the shapes alone.
    @Test func gradientsDoNotDependOnThreadCount() {
        let image = randomTensor([4, 16, 5, 5], seed: 57), tokens = randomTensor([3, 70, 12], seed: 58)
        let gw = randomTensor([16], seed: 59), gb = randomTensor([16], seed: 60)
        let lw = randomTensor([12], seed: 61), lb = randomTensor([12], seed: 62)
        let runs = [1, 2].map { threads in
            onThreads(threads) {
                let all = [image, tokens, gw, gb, lw, lb]
                for t in all { t.zeroGrad(); t.requiresGrad = true }
                groupNorm(image, groups: 8, weight: gw, bias: gb).backward(randomTensor(image.shape, seed: 63))
                layerNorm(tokens, weight: lw, bias: lb).backward(randomTensor(tokens.shape, seed: 64))
                return all.map { $0.grad!.values }
            }
        }
        #expect(runs[0] == runs[1])
    }
}
