import Foundation
import MedadTensor
import Testing

@Suite struct OpTimesTests {
    /// Every recorded op and every backward is charged once per run under its own name; the ops that a
    /// backward closure runs inside it (linear's bias sum) are not charged apart, and nothing outside
    /// `measure` is charged.
    @Test func chargesEachOpAndBackwardOncePerRun() {
        let x = randomTensor([4, 3], seed: 1), weight = randomTensor([2, 3], seed: 2), bias = randomTensor([2], seed: 3)
        let target = randomTensor([4, 2], seed: 4)
        for parameter in [weight, bias] { parameter.requiresGrad = true }
        let step = { mseLoss(linear(x, weight: weight, bias: bias), target).backward() }
        step()  // outside: charged nowhere
        let started = Date()
        let entries = OpTimes.measure(runs: 3, step)
        let elapsed = Date().timeIntervalSince(started)
        let expected: Set = ["linear", "-", "square", "mean",
                             "backward linear", "backward -", "backward square", "backward mean"]
        #expect(Set(entries.map(\.op)) == expected)
        #expect(entries.allSatisfy { $0.calls == 1 && $0.seconds >= 0 })
        #expect(entries.map(\.seconds).reduce(0, +) * 3 <= elapsed)
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.seconds >= $1.seconds }, "slowest first")
    }
}
