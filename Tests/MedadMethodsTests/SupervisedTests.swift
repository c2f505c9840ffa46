import Foundation
import MedadConfig
import MedadMethods
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo
import Testing

/// `supervised`: what its batches hold, and that it trains on a tiny phantom run.
@Suite(.serialized) struct SupervisedTests {
    private let pool = SlicePools.revealed

    @Test(arguments: [(0.5, 4), (0.25, 2), (1.0, 8)])
    func batchHoldsRevealedMasksAndZeroTargetsForNormals(share: Double, positives: Int) throws {
        let sampler = try PoolSampler(pool: pool, size: 8, generators: [])
        var rng = SeededRandom(seed: 5)
        for _ in 0..<10 {
            let batch = try sampler.revealedBatch(8, revealedShare: share, transplanted: 0, syntheticRate: 0, &rng)
            #expect(batch.count == 8)
            for b in 0..<batch.count {
                let image = Array(batch.images[(b * 64)..<((b + 1) * 64)]), target = Array(batch.targets[(b * 64)..<((b + 1) * 64)])
                let source = pool[Int(image[0])]
                #expect(image == source.image, "slice \(b) is not a pool slice as it is")
                if b < positives {
                    #expect(source.label == 1 && target == source.mask, "slice \(b) is not a revealed anomaly with its own mask")
                    #expect(batch.labels[b] == 1)
                } else {
                    #expect(source.label != 1 && !source.inAnomalousVolume, "slice \(b) is not assumed normal")
                    #expect(target.allSatisfy { $0 == 0 } && batch.labels[b] == 0)
                }
            }
        }
    }

    /// 30 steps on the fixture's phantoms: the mean loss of the last five steps is below that of the
    /// first five, and the run evaluates as a method that uses labels.
    @Test func trainsOnRevealedMasks() throws {
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(RunFixtures.config(method: "supervised", steps: 30), name: "supervised")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed)
        let losses = try RunFixtures.losses(dir)
        #expect(losses.count == 30 && losses.allSatisfy(\.isFinite))
        #expect(losses.suffix(5).reduce(0, +) < losses.prefix(5).reduce(0, +))
        #expect(ConfigComposition.value(at: "uses_labels", in: result) == .bool(true))
        #expect(RunFixtures.number("config.method.positive_share", in: result) == 0.5)
        #expect(RunFixtures.number("config.train.lr", in: result) == 0.002)
        #expect(RunFixtures.number("pixel.ap", in: result) != nil)
    }

    /// The twin's round trip: the recorded initial weights and first batch give the run's first logged
    /// loss, and a run's own weights adopted back into a copy evaluate to the same result.
    @Test func recordsForTheTwinAndAdoptsWeightsBack() throws {
        let (dir, twin, copy) = (RunFixtures.directory("twin-run"), RunFixtures.directory("twin"), RunFixtures.directory("twin-copy"))
        defer { for url in [dir, twin, copy] { try? FileManager.default.removeItem(at: url) } }
        _ = try Runs.train(config: RunFixtures.config(method: "supervised", steps: 4), source: "fixture", directory: dir,
                           resume: false, progress: .silent, recordTwin: twin)
        let batches = try SafeTensors.read(twin.appendingPathComponent("batches.safetensors")).tensors
        #expect(batches["x"]?.shape == [4, 4, 1, 16, 16] && batches["y"]?.shape == [4, 4, 1, 16, 16])
        var rng = SeededRandom(seed: 0)
        let network = EncoderDecoder(backbone: .cnnS, rng: &rng)
        try network.load(from: twin.appendingPathComponent("weights.safetensors"))
        let first = { (t: Tensor) in t.sliced(axis: 0, range: 0..<1).reshaped([4, 1, 16, 16]) }
        let logits = network(first(batches["x"]!)), targets = first(batches["y"]!)
        let loss = bceWithLogitsLoss(logits, targets) + softDiceLoss(sigmoid(logits), targets)
        #expect(abs(Double(loss.item()) - (try RunFixtures.losses(dir))[0]) < 1e-5)

        let original = try Runs.evaluate(run: dir)
        try Runs.adopt(run: dir, weights: dir.appendingPathComponent("checkpoints/best.safetensors"), into: copy)
        let adopted = try Runs.evaluate(run: copy)
        #expect(RunFixtures.number("pixel.ap", in: adopted) == RunFixtures.number("pixel.ap", in: original))
        #expect(RunFixtures.number("sample.auroc", in: adopted) == RunFixtures.number("sample.auroc", in: original))
        #expect(throws: MedadError.self) {
            try Runs.adopt(run: twin, weights: twin.appendingPathComponent("weights.safetensors"), into: copy)
        }
    }

    /// A pool that reveals no anomalous slice (no contamination) stops at data load, naming the key.
    @Test func noRevealedAnomalyIsAnError() throws {
        let dir = RunFixtures.directory("supervised-none")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try ConfigComposition.set(.number(0), at: ["data", "contamination"],
                                               in: RunFixtures.config(method: "supervised"), fullPath: "data.contamination")
        let error = #expect(throws: MedadError.self) {
            try Runs.train(config: config, source: "fixture", directory: dir, resume: false, progress: .silent)
        }
        #expect(error?.description.contains("fixture: data.label_ratio: method supervised") == true)
        #expect(error?.description.contains("\n") == false)
    }
}
