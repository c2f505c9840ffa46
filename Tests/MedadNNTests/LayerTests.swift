import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import Testing

@Suite struct LayerTests {
    @Test func linearFollowsPyTorchLayoutAndInit() {
        var rng = SeededRandom(seed: 5)
        let layer = Linear(16, 3, rng: &rng)
        #expect(layer.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(layer.weight.shape == [3, 16] && layer.bias?.shape == [3])
        let bound: Float = 0.25  // 1/√16
        let all = layer.weight.values + layer.bias!.values
        #expect(all.allSatisfy { abs($0) <= bound })
        #expect(all.contains { abs($0) > 0.8 * bound })  // spread over the whole range, not a narrower one
        #expect(layer.trainableParameters().map(\.decays) == [true, false])
        #expect(Linear(4, 2, bias: false, rng: &rng).namedParameters().map(\.0) == ["weight"])
    }

    @Test func linearComputesXWTransposedPlusB() {
        var rng = SeededRandom(seed: 6)
        let layer = Linear(2, 2, rng: &rng)
        try! layer.load(parameters: ["weight": Tensor(shape: [2, 2], values: [1, 2, 3, 4]), "bias": Tensor(shape: [2], values: [10, 20])])
        #expect(layer(Tensor(shape: [1, 2], values: [1, -1])).values == [9, 19])
    }

    @Test func conv2dFollowsPyTorchLayoutAndInit() {
        var rng = SeededRandom(seed: 7)
        let conv = Conv(4, 6, kernel: 3, padding: 1, groups: 2, rng: &rng)
        #expect(conv.weight.shape == [6, 2, 3, 3] && conv.bias?.shape == [6])
        let bound = 1 / Float(2 * 9).squareRoot()
        #expect((conv.weight.values + conv.bias!.values).allSatisfy { abs($0) <= bound })
        let y = conv(Tensor(shape: [1, 4, 5, 5], repeating: 1))
        #expect(y.shape == [1, 6, 5, 5])
        // Centre pixel of output channel 0 sees all of group 0's weights on an all-ones input.
        let expected = conv.weight.values[0..<18].reduce(0, +) + conv.bias!.values[0]
        #expect(abs(y.values[12] - expected) < 1e-5)
    }

    @Test func conv3dFollowsPyTorchLayoutAndInit() {
        var rng = SeededRandom(seed: 8)
        let conv = Conv(4, 6, kernel: 3, padding: 1, groups: 2, dims: 3, rng: &rng)
        #expect(conv.dims == 3 && conv.weight.shape == [6, 2, 3, 3, 3] && conv.bias?.shape == [6])
        #expect(conv.namedParameters().map(\.0) == ["weight", "bias"])
        let bound = 1 / Float(2 * 27).squareRoot()
        #expect((conv.weight.values + conv.bias!.values).allSatisfy { abs($0) <= bound })
        #expect(conv.weight.values.map(abs).max()! > 0.8 * bound)
        let y = conv(Tensor(shape: [1, 4, 3, 3, 3], repeating: 1))
        #expect(y.shape == [1, 6, 3, 3, 3])
        // The centre voxel of output channel 0 sees all of group 0's weights on an all-ones input.
        let expected = conv.weight.values[0..<54].reduce(0, +) + conv.bias!.values[0]
        #expect(abs(y.values[13] - expected) < 1e-5)
    }

    @Test func sameSeedSameInit() {
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9)
        #expect(Conv(3, 4, kernel: 3, rng: &a).weight.values == Conv(3, 4, kernel: 3, rng: &b).weight.values)
    }
}

@Suite struct TrainingDemoTests {
    @Test func identicalRunsGiveBitIdenticalParameters() throws {
        let first = try TrainingDemo.train(seed: 3, steps: 30, samples: 64, width: 16).model.namedParameters()
        let second = try TrainingDemo.train(seed: 3, steps: 30, samples: 64, width: 16).model.namedParameters()
        let other = try TrainingDemo.train(seed: 4, steps: 30, samples: 64, width: 16).model.namedParameters()
        #expect(first.map(\.0) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias"])
        #expect(zip(first, second).allSatisfy { $0.1.values.map(\.bitPattern) == $1.1.values.map(\.bitPattern) })
        #expect(first[0].1.values != other[0].1.values)
    }

    @Test func lossGoesDown() throws {
        let losses = try TrainingDemo.train(seed: 0, steps: 150, samples: 128, width: 32).losses
        #expect(losses.last! < 0.25 * losses.first!)
    }
}

@Suite struct NormAndDropoutLayerTests {
    @Test func normLayersStartAsPlainNormalisationAndNeverDecay() {
        let norm = GroupNorm(groups: 2, channels: 4)
        #expect(norm.weight.values == [1, 1, 1, 1] && norm.bias.values == [0, 0, 0, 0])
        #expect(norm.trainableParameters().allSatisfy { !$0.decays })
        // Two groups of two single-pixel channels: each pair becomes (−1, 1) (up to eps).
        let y = norm(Tensor(shape: [1, 4, 1, 1], values: [1, 3, 10, 30])).values
        #expect(close(y, [-1, 1, -1, 1], tolerance: 1e-4))

        let layer = LayerNorm(3)
        #expect(layer.trainableParameters().map(\.decays) == [false, false])
        #expect(close(layer(Tensor(shape: [1, 3], values: [1, 2, 3])).values, [-1.2247357, 0, 1.2247357], tolerance: 1e-4))
    }

    @Test func dropoutFollowsTrainAndEvalModes() {
        final class Net: Module {
            @Key("drop") var drop: Dropout
            init(rng: inout SeededRandom) {
                super.init()
                drop = Dropout(0.5, rng: &rng)
            }
        }
        var rng = SeededRandom(seed: 1)
        let net = Net(rng: &rng)
        let x = Tensor(shape: [1000], repeating: 1)
        let trained = net.drop(x).values
        #expect(Set(trained) == [0, 2])
        #expect(abs(Float(trained.filter { $0 == 0 }.count) - 500) < 60)
        net.eval()
        #expect(net.drop(x).values == x.values)
        #expect(net.namedParameters().isEmpty)
    }
}

@Suite struct OpsBenchmarkTests {
    @Test func reportsEveryFigureUnderItsJSONKey() throws {
        let result = OpsBenchmark.run(repeats: 1)
        #expect(result.blasCore == ComputeRuntime.blasCore && result.threads == ComputeRuntime.threads)
        #expect([result.sgemmGflops, result.convFwdBwdGflops, result.elementwiseGbps, result.siluGbps].allSatisfy { $0 > 0 && $0.isFinite })
        let object = try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any]
        #expect(Set(object?.keys ?? [:].keys) == ["blas_core", "threads", "sgemm_gflops", "conv_fwd_bwd_gflops", "elementwise_gbps", "silu_gbps"])
        #expect(result.table.contains("sgemm 1024³"))
    }
}
