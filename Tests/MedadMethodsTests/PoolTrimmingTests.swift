import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadTensor
import Testing

/// `synth`'s `trim_pool`: which assumed-normal pixels leave the loss, and that they leave all of it.
struct PoolTrimmingTests {
    private func kept(_ scores: [Float], _ targets: [Float], share: Double) -> [Float] {
        let shape = [1, 1, 1, scores.count]
        return PoolTrimming.kept(scores: Tensor(shape: shape, values: scores), targets: Tensor(shape: shape, values: targets),
                                 share: share).values
    }

    /// Seven normal pixels, a share of 2/7: the two highest-scored normals (8 and 7) are dropped, and the
    /// positive pixel scored 9 is kept.
    @Test func dropsTheHighestScoredNormalsAndKeepsPositives() {
        #expect(kept([1, 9, 3, 7, 5, 2, 8, 4], [0, 1, 0, 0, 0, 0, 0, 0], share: 2.0 / 7) == [1, 1, 1, 0, 1, 1, 0, 1])
    }

    /// The share is of the whole batch's normals: one image may lose all of its normals, another none.
    @Test func theShareIsTakenOverTheBatch() {
        let scores: [Float] = [5, 6, 7, 8, 0, 1, 2, 3], targets = [Float](repeating: 0, count: 8)
        let mask = PoolTrimming.kept(scores: Tensor(shape: [2, 1, 2, 2], values: scores),
                                     targets: Tensor(shape: [2, 1, 2, 2], values: targets), share: 0.5).values
        #expect(mask == [0, 0, 0, 0, 1, 1, 1, 1])
    }

    /// Ties at the threshold are broken by position, so exactly round(share · normals) pixels go.
    @Test func tiesDropExactlyTheShare() {
        #expect(kept([0.5, 0.5, 0.5, 0.5, 0.9], [0, 0, 0, 0, 0], share: 0.6) == [0, 0, 1, 1, 0])
        #expect(kept([0.5, 0.5, 0.5], [0, 0, 0], share: 0.1) == [1, 1, 1])
    }

    /// With every pixel kept the loss is the plain one; a dropped pixel is out of BCE's mean and out of
    /// Dice's sums (the loss equals that of the batch without it), and its logit gets no gradient.
    @Test func droppedPixelsLeaveBothTermsAndGetNoGradient() {
        let logits: [Float] = [2, -1, 0.5, 3], targets: [Float] = [1, 0, 0, 0]
        let shape = [1, 1, 2, 2]
        let all = SegmentationLoss.bceDice(Tensor(shape: shape, values: logits), Tensor(shape: shape, values: targets),
                                           diceWeight: 0.7, kept: Tensor(shape: shape, repeating: 1)).item()
        let plain = SegmentationLoss.bceDice(Tensor(shape: shape, values: logits), Tensor(shape: shape, values: targets),
                                             diceWeight: 0.7).item()
        #expect(abs(all - plain) < 1e-6)

        let x = Tensor(shape: shape, values: logits)
        x.requiresGrad = true
        let trimmed = SegmentationLoss.bceDice(x, Tensor(shape: shape, values: targets), diceWeight: 0.7,
                                               kept: Tensor(shape: shape, values: [1, 1, 1, 0]))
        let without = SegmentationLoss.bceDice(Tensor(shape: [1, 1, 1, 3], values: Array(logits.prefix(3))),
                                               Tensor(shape: [1, 1, 1, 3], values: Array(targets.prefix(3))), diceWeight: 0.7)
        #expect(abs(trimmed.item() - without.item()) < 1e-6)
        trimmed.backward()
        let grad = x.grad!.values
        #expect(grad[3] == 0)
        #expect(grad.prefix(3).allSatisfy { $0 != 0 })
    }
}

/// `trim_pool` through a run: read, recorded in the resolved config, and training still lowers the loss.
@Suite(.serialized) struct TrimmedSynthRunTests {
    @Test func trainsWithATrimmedPool() throws {
        let config = RunFixtures.config(method: "synth", steps: 30, extra: #", "trim_pool": 0.05"#)
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(config, name: "synth-trim")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed)
        let losses = try RunFixtures.losses(dir)
        #expect(losses.count == 30 && losses.allSatisfy(\.isFinite))
        #expect(losses.suffix(5).reduce(0, +) < losses.prefix(5).reduce(0, +))
        #expect(RunFixtures.number("config.method.trim_pool", in: result) == 0.05)
    }

    @Test func aShareAboveAHalfIsRefusedByName() {
        let error = #expect(throws: MedadError.self) {
            try RunConfig(JSONParser.parse(#"{"method": {"name": "synth", "trim_pool": 0.6}}"#, source: "cfg.json"), source: "cfg.json")
        }
        #expect(error?.description.hasPrefix("cfg.json: method.trim_pool:") == true)
    }
}
