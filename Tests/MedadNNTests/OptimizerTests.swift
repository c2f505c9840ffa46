import MedadNN
import MedadSupport
import MedadTensor
import Testing

/// Reference values from torch 2.15 (torch.optim.*) on the same parameters and gradients:
/// w starts at p0 and decays, `bias` starts at p0 reversed and is excluded from weight decay.
private let p0: [Float] = [0.5, -1.0, 2.0, 0.1]
private let gradients: [[Float]] = [[0.1, -0.2, 0.3, 0.4], [-0.5, 0.25, 0.0, 1.0], [0.3, 0.3, -0.1, -2.0]]

private func run(decayBias: Bool = false, _ make: ([NamedParameter]) -> Optimizer) -> (Optimizer, [Float], [Float]) {
    let w = trainable(p0), b = trainable(p0.reversed())
    let optimizer = make([NamedParameter(name: "w", tensor: w, decays: true),
                          NamedParameter(name: "bias", tensor: b, decays: decayBias)])
    for g in gradients {
        setGradient(w, g)
        setGradient(b, g.reversed())
        optimizer.step()
    }
    return (optimizer, w.values, b.values)
}

@Suite struct OptimizerTests {
    @Test func sgdMomentumDampeningAndWeightDecayMatchPyTorch() {
        let (_, w, b) = run { SGD($0, learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) }
        #expect(close(w, [0.5287358164787292, -1.0102823972702026, 1.9171711206436157, 0.0002861822722479701]))
        #expect(close(b, [0.0006000021821819246, 1.9277000427246094, -1.0155500173568726, 0.5314000248908997]))
    }

    @Test func sgdNesterovMatchesPyTorch() {
        let (_, w, _) = run { SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true) }
        #expect(close(w, [0.5441100001335144, -1.0559700727462769, 1.9158300161361694, 0.07144000381231308]))
    }

    @Test func adamWithL2MatchesPyTorch() {
        let (_, w, b) = run { Adam($0, learningRate: 0.01, weightDecay: 0.1) }
        #expect(close(w, [0.4942425787448883, -0.9888997077941895, 1.9730478525161743, 0.08269977569580078]))
        #expect(close(b, [0.08278548717498779, 1.9804080724716187, -0.9969145655632019, 0.49672889709472656]))
    }

    @Test func adamWDecoupledDecaySkipsExcludedParameters() {
        let (_, w, b) = run { AdamW($0, learningRate: 0.01, weightDecay: 0.1) }
        #expect(close(w, [0.49524441361427307, -0.9939360022544861, 1.9744409322738647, 0.0825151726603508]))
        // Same as plain Adam without decay: the bias is excluded.
        #expect(close(b, [0.08278548717498779, 1.9804080724716187, -0.9969145655632019, 0.49672889709472656]))
    }

    @Test func adamWDecaysEveryParameterWithoutExclusions() {
        let (_, _, b) = run(decayBias: true) { AdamW($0, learningRate: 0.01, weightDecay: 0.1) }
        #expect(close(b, [0.0825151726603508, 1.9744409322738647, -0.9939360022544861, 0.49524441361427307]))
    }

    @Test func parametersWithoutGradientAreLeftAlone() {
        let w = trainable([1, 2])
        let optimizer = AdamW([NamedParameter(name: "w", tensor: w, decays: true)], learningRate: 0.1)
        optimizer.step()
        #expect(w.values == [1, 2])
        #expect(optimizer.state().isEmpty)
    }

    @Test func stateRoundTripResumesExactly() throws {
        let (full, w, _) = run { AdamW($0, learningRate: 0.01, weightDecay: 0.1) }
        #expect(Set(full.state().keys) == ["step.w", "exp_avg.w", "exp_avg_sq.w", "step.bias", "exp_avg.bias", "exp_avg_sq.bias"])
        #expect(full.state()["step.w"]?.item() == 3)

        // Two steps, save, continue with a fresh optimizer from the saved state.
        let w2 = trainable(p0), b2 = trainable(p0.reversed())
        let parameters = [NamedParameter(name: "w", tensor: w2, decays: true), NamedParameter(name: "bias", tensor: b2, decays: false)]
        let first = AdamW(parameters, learningRate: 0.01, weightDecay: 0.1)
        for g in gradients.prefix(2) {
            setGradient(w2, g); setGradient(b2, g.reversed()); first.step()
        }
        let data = try SafeTensors.encode(SafeTensors.Content(tensors: first.state()))
        let resumed = AdamW(parameters, learningRate: 0.01, weightDecay: 0.1)
        try resumed.load(state: SafeTensors.decode(data, source: "state").tensors)
        setGradient(w2, gradients[2]); setGradient(b2, gradients[2].reversed()); resumed.step()
        #expect(w2.values == w)
    }

    @Test func loadStateRejectsMismatches() {
        let optimizer = SGD([NamedParameter(name: "w", tensor: trainable([1, 2]), decays: true)], learningRate: 0.1, momentum: 0.9)
        #expect(throws: MedadError("cannot load optimizer state: momentum_buffer.w has shape [3], expected [1, 2]; unexpected 1: momentum_buffer.v")) {
            try optimizer.load(state: ["step.w": .scalar(1), "momentum_buffer.w": Tensor(shape: [3]), "momentum_buffer.v": Tensor(shape: [1])])
        }
    }
}

@Suite struct ScheduleAndClippingTests {
    @Test func cosineWithWarmupAtKnownSteps() {
        let schedule = LearningRateSchedule.cosineWithWarmup(base: 1, warmupSteps: 10, totalSteps: 110, minimum: 0.1)
        let expected: [(Int, Float)] = [(0, 0.1), (4, 0.5), (9, 1), (10, 1), (60, 0.55), (35, 0.1 + 0.9 * 0.5 * (1 + 0.70710678)), (110, 0.1), (500, 0.1)]
        for (step, rate) in expected {
            #expect(abs(schedule.learningRate(at: step) - rate) < 1e-6, "step \(step)")
        }
        #expect(LearningRateSchedule.constant(0.3).learningRate(at: 12345) == 0.3)
    }

    @Test func clippingMatchesPyTorch() {
        let a = trainable([3, 4]), c = trainable([0])
        setGradient(a, [3, 4]); setGradient(c, [12])
        let norm = clipGradientNorm([a, c], maxNorm: 6.5)
        #expect(norm == 13)
        #expect(close(a.grad!.values, [1.4999998807907104, 1.9999998807907104]))
        #expect(close(c.grad!.values, [5.999999523162842]))
    }

    @Test func clippingBelowTheLimitChangesNothing() {
        let a = trainable([0, 0]), frozen = Tensor(shape: [1])
        setGradient(a, [0.3, 0.4])
        #expect(abs(clipGradientNorm([a, frozen], maxNorm: 1) - 0.5) < 1e-7)
        #expect(a.grad!.values == [0.3, 0.4])
    }
}
