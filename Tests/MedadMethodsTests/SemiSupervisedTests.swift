import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadNN
import MedadTensor
import MedadTraining
import Testing

/// `semi`: what its batches hold, and its intensity prior.
struct SemiSupervisedTests {
    private let pool = SlicePools.revealed

    /// A quarter of 16 revealed: with transplant 0.5, 2 in their own slice and 2 pasted into a normal
    /// slice (the host's value outside the mask, the anomaly's inside); the rest are assumed normals.
    @Test(arguments: [(0.5, 2), (0.0, 0), (1.0, 4)])
    func batchMixesRevealedAnomaliesInAndOutOfTheirSlice(transplant: Double, moved: Int) throws {
        let sampler = try PoolSampler(pool: pool, size: 8, generators: [])
        var rng = SeededRandom(seed: 3)
        let batch = try sampler.revealedBatch(16, revealedShare: 0.25, transplanted: transplant, syntheticRate: 0, &rng)
        #expect(batch.count == 16)
        for b in 0..<16 {
            let image = Array(batch.images[(b * 64)..<((b + 1) * 64)]), target = Array(batch.targets[(b * 64)..<((b + 1) * 64)])
            let outside = pool[Int(image[62])]  // pixel 62 lies outside both masks
            if b < moved {
                let anomaly = pool.first { $0.mask == target }
                #expect(anomaly != nil && outside.label != 1, "slice \(b) is not a revealed mask pasted into a normal slice")
                for i in 0..<64 where target[i] > 0 { #expect(image[i] == anomaly!.image[i]) }
            } else if b < 4 {
                #expect(outside.label == 1 && image == outside.image && target == outside.mask, "slice \(b) is not a revealed anomaly in its slice")
            } else {
                #expect(outside.label != 1 && target.allSatisfy { $0 == 0 } && batch.labels[b] == 0)
            }
        }
        // Nothing revealed is asked for: all assumed normals.
        let none = try sampler.revealedBatch(16, revealedShare: 0, transplanted: 0.5, syntheticRate: 0, &rng)
        #expect(none.labels.allSatisfy { $0 == 0 } && none.count == 16)
    }

    /// The prior's statistics are those of `intensity` with reference global (mean 5, std 2 on this pool),
    /// its logits start at scale · z − scale · shift, and gradients reach scale (Σ z · g) and shift (−Σ g).
    @Test func priorStartsAsTheGlobalZScoreAndTrainsItsScaleAndShift() throws {
        let alternating = (0..<64).map { Float($0 % 2 == 0 ? 3 : 7) }
        let normals = [TrainingSlice(image: alternating, position: 0.5, label: nil, mask: nil, brain: [UInt8](repeating: 1, count: 64)),
                       TrainingSlice(image: [Float](repeating: 50, count: 64), position: 0.5, label: 1,
                                     mask: [Float](repeating: 1, count: 64), brain: [UInt8](repeating: 1, count: 64))]
        let prior = IntensityPrior(scale: 2, shift: 1.5)
        prior.fit(normals)
        let probe = Tensor(shape: [1, 1, 8, 8], values: [9, 1] + [Float](repeating: 5, count: 62))
        let logits = prior.logits(probe)
        // z = 2, −2, then 0: logits 2·z − 3.
        #expect(Array(logits.values.prefix(3)) == [1, -7, -3])
        logits.sum().backward()
        #expect(prior.scale.grad?.values == [0])
        #expect(prior.shift.grad?.values == [-64])
        let weighted = (prior.logits(probe) * Tensor(shape: [1, 1, 8, 8], values: [1, 0] + [Float](repeating: 0, count: 62))).sum()
        prior.scale.zeroGrad()
        weighted.backward()
        #expect(prior.scale.grad?.values == [2])
    }

    /// A short run saves the prior with the network: its statistics fitted on the pool, its scale and
    /// shift moved from their initial values by training.
    @Test func runsTrainThePriorAndSaveItInTheCheckpoint() throws {
        let (dir, outcome, _) = try RunFixtures.trainAndEvaluate(RunFixtures.config(method: "semi", steps: 8), name: "semi-prior")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed)
        let saved = try SafeTensors.read(TrainingCheckpoint.lastWeights(dir)).tensors
        let (mean, std) = (try #require(saved["prior.normal.mean"]), try #require(saved["prior.normal.std"]))
        #expect(mean.values[0] > 0.05 && mean.values[0] < 1 && std.values[0] > 0.01)
        #expect(try #require(saved["prior.scale"]).values != [1])
        #expect(try #require(saved["prior.shift"]).values != [3])
    }
}
