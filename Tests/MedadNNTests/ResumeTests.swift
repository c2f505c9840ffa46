import MedadNN
import MedadSupport
import MedadTensor
import Testing

/// conv → group norm → SiLU → global average → linear: every layer kind with parameters.
private final class TinyConvNet: Module {
    @Key("conv") var conv: Conv
    @Key("norm") var norm = GroupNorm(groups: 2, channels: 4)
    @Key("head") var head: Linear

    init(rng: inout SeededRandom) {
        super.init()
        conv = Conv(1, 4, kernel: 3, padding: 1, rng: &rng)
        head = Linear(4, 1, rng: &rng)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        head(silu(norm(conv(x))).mean(axes: [2, 3]))
    }
}

private struct Run {
    let model: TinyConvNet
    let optimizer: AdamW
    let inputs: Tensor
    let targets: Tensor

    init() {
        var rng = SeededRandom(seed: 21)
        model = TinyConvNet(rng: &rng)
        optimizer = AdamW(model.trainableParameters(), learningRate: 0.01, weightDecay: 0.1)
        inputs = Tensor.randn([4, 1, 6, 6], rng: &rng)
        targets = Tensor.randn([4, 1], rng: &rng)
    }

    func train(steps: Range<Int>) {
        let schedule = LearningRateSchedule.cosineWithWarmup(base: 0.01, warmupSteps: 2, totalSteps: 6)
        for step in steps {
            optimizer.zeroGrad()
            mseLoss(model(inputs), targets).backward()
            clipGradientNorm(optimizer.parameters, maxNorm: 0.5)
            optimizer.learningRate = schedule.learningRate(at: step)
            optimizer.step()
        }
    }
}

@Suite struct ResumeTests {
    @Test func resumingFromCheckpointBytesIsBitIdenticalToTrainingThrough() throws {
        let straight = Run()
        straight.train(steps: 0..<6)

        let first = Run()
        first.train(steps: 0..<3)
        let modelBytes = try SafeTensors.encode(SafeTensors.Content(tensors: Dictionary(uniqueKeysWithValues: first.model.namedParameters())))
        let stateBytes = try SafeTensors.encode(SafeTensors.Content(tensors: first.optimizer.state()))

        let resumed = Run()
        try resumed.model.load(parameters: SafeTensors.decode(modelBytes, source: "model").tensors)
        try resumed.optimizer.load(state: SafeTensors.decode(stateBytes, source: "state").tensors)
        resumed.train(steps: 3..<6)

        #expect(resumed.optimizer.state()["step.conv.weight"]?.item() == 6)
        for ((name, a), (_, b)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
            #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern), "\(name)")
        }
        // And training moved the parameters at all.
        #expect(straight.model.conv.weight.values != Run().model.conv.weight.values)
    }

    @Test func weightDecayFlagsOfAMixedNetwork() {
        var rng = SeededRandom(seed: 1)
        let decaying = TinyConvNet(rng: &rng).trainableParameters().filter(\.decays).map(\.name)
        #expect(decaying == ["conv.weight", "head.weight"])
    }
}
