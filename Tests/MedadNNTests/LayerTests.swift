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
        let conv = Conv2d(4, 6, kernel: 3, padding: 1, groups: 2, rng: &rng)
        #expect(conv.weight.shape == [6, 2, 3, 3] && conv.bias?.shape == [6])
        let bound = 1 / Float(2 * 9).squareRoot()
        #expect((conv.weight.values + conv.bias!.values).allSatisfy { abs($0) <= bound })
        let y = conv(Tensor(shape: [1, 4, 5, 5], repeating: 1))
        #expect(y.shape == [1, 6, 5, 5])
        // Centre pixel of output channel 0 sees all of group 0's weights on an all-ones input.
        let expected = conv.weight.values[0..<18].reduce(0, +) + conv.bias!.values[0]
        #expect(abs(y.values[12] - expected) < 1e-5)
    }

    @Test func sameSeedSameInit() {
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9)
        #expect(Conv2d(3, 4, kernel: 3, rng: &a).weight.values == Conv2d(3, 4, kernel: 3, rng: &b).weight.values)
    }
}

@Suite struct TrainingDemoTests {
    @Test func identicalRunsGiveBitIdenticalParameters() {
        let first = TrainingDemo.train(seed: 3, steps: 30, samples: 64, width: 16).model.namedParameters()
        let second = TrainingDemo.train(seed: 3, steps: 30, samples: 64, width: 16).model.namedParameters()
        let other = TrainingDemo.train(seed: 4, steps: 30, samples: 64, width: 16).model.namedParameters()
        #expect(first.map(\.0) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias"])
        #expect(zip(first, second).allSatisfy { $0.1.values.map(\.bitPattern) == $1.1.values.map(\.bitPattern) })
        #expect(first[0].1.values != other[0].1.values)
    }

    @Test func lossGoesDown() {
        let losses = TrainingDemo.train(seed: 0, steps: 150, samples: 128, width: 32).losses
        #expect(losses.last! < 0.25 * losses.first!)
    }
}
