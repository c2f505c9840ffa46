import MedadSupport
import MedadTensor
import Testing

@Suite struct DropoutTests {
    @Test func maskRateScalingAndGradientThroughKeptUnitsOnly() {
        var rng = SeededRandom(seed: 71)
        let x = Tensor(shape: [20_000], repeating: 2)
        x.requiresGrad = true
        let y = dropout(x, probability: 0.25, training: true, rng: &rng)
        let kept = y.values.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 2 / 0.75 })
        let dropped = Double(y.count - kept.count) / Double(y.count)
        #expect(abs(dropped - 0.25) < 0.015)
        y.backward(Tensor(shape: [20_000], repeating: 1))
        for (gradient, value) in zip(x.grad!.values, y.values) {
            #expect(gradient == (value == 0 ? 0 : 1 / 0.75))
        }
    }

    @Test func identityWhenNotTrainingOrNothingDropped() {
        var rng = SeededRandom(seed: 72)
        let x = randomTensor([3, 4], seed: 73)
        #expect(dropout(x, probability: 0.5, training: false, rng: &rng) === x)
        #expect(dropout(x, probability: 0, training: true, rng: &rng) === x)
        var untouched = SeededRandom(seed: 72)
        #expect(rng.next() == untouched.next())
    }

    /// Against a reference that draws the same mask from the same seed, one uniform per value.
    @Test func gradientsAgainstReference() {
        let p = 0.3
        let x = randomTensor([4, 5], seed: 74)
        checkGradients("dropout", inputs: [x], op: { inputs in
            var rng = SeededRandom(seed: 75)
            return dropout(inputs[0], probability: Float(p), training: true, rng: &rng)
        }, reference: { v in
            var rng = SeededRandom(seed: 75)
            return v[0].map { rng.nextFloat() < Float(p) ? 0 : $0 / (1 - p) }
        })
    }
}
