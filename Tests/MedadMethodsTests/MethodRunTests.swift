import Foundation
import MedadConfig
import MedadMethods
import MedadMetrics
import MedadNN
import MedadTensor
import MedadSupport
import MedadTraining
import MedadVolumes
import Testing

@Suite(.serialized) struct MethodRunTests {
    /// Every method trains a few steps with every backbone through the one loop, finishes with a finite
    /// loss and evaluates into a result.json with the schema's keys.
    @Test(arguments: MethodDescription.all.filter { $0.defaultLearningRate != nil }.map(\.name), ["cnn-s", "vit-s", "mamba-s"])
    func methodTrainsAndEvaluates(method: String, backbone: String) throws {
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(RunFixtures.config(method: method, backbone: backbone),
                                                                      name: method + "-" + backbone)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed)
        #expect(outcome.steps == 6)
        let losses = try RunFixtures.losses(dir)
        #expect(losses.count == 6 && losses.allSatisfy(\.isFinite))
        try checkSchema(result, method: method)
        #expect(ConfigComposition.value(at: "backbone", in: result) == .string(backbone))
        let stored = try JSONParser.parse(file: dir.appendingPathComponent("result.json"))
        #expect(stored == result)
    }

    /// semi with its optional image head and without the teacher: both paths train to a finite loss.
    @Test(arguments: [#", "image_head": true"#, #", "teacher": false, "filter_pool": false"#])
    func semiSwitchesTrain(extra: String) throws {
        let dir = RunFixtures.directory("semi-switches")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try Runs.train(config: RunFixtures.config(method: "semi", extra: extra), source: "fixture", directory: dir,
                                     resume: false, progress: .silent)
        #expect(outcome.status == .completed)
        #expect(try RunFixtures.losses(dir).allSatisfy(\.isFinite))
    }

    /// 6 and 8 subjects are valid phantom sets; their one validation subject used to be anomalous,
    /// which stopped the run ("validation set holds no normal case").
    @Test(arguments: [6, 8])
    func smallPhantomSetsTrainAndEvaluate(subjects: Int) throws {
        for seed in 0..<4 {
            var config = RunFixtures.config(method: "ae", steps: 1)
            config = try ConfigComposition.apply(["data.phantom.subjects=\(subjects)", "seed=\(seed)"], to: config)
            let (dir, outcome, _) = try RunFixtures.trainAndEvaluate(config, name: "small-\(subjects)-\(seed)")
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(outcome.status == .completed, "\(subjects) subjects, seed \(seed)")
        }
    }

    @Test func intensityNeedsNoTraining() throws {
        let config = RunFixtures.config(method: "intensity", steps: 0)
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(config, name: "intensity")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.steps == 0)
        try checkSchema(result, method: "intensity")
        #expect(RunFixtures.number("parameters", in: result) == 0)
        #expect(ConfigComposition.value(at: "uses_labels", in: result) == .bool(false))
        // The test set's identity, and its voxel histogram written beside result.json: pooling it alone
        // gives the run's pixel AP.
        #expect(ConfigComposition.value(at: "test_name", in: result) == .string("phantom"))
        guard case .string(let testSet)? = ConfigComposition.value(at: "test_set", in: result) else { Issue.record("no test_set"); return }
        #expect(testSet.count == 8 && testSet.allSatisfy(\.isHexDigit))
        let histogram = try PixelHistogram(contentsOf: dir.appendingPathComponent(PixelHistogram.fileName))
        #expect(histogram.averagePrecision.number == RunFixtures.number("pixel.ap", in: result))
        #expect(histogram.auroc.number == RunFixtures.number("pixel.auroc", in: result))
    }

    /// ae with the two token backbones: the mean reconstruction loss of the last five of 30 steps is
    /// below that of the first five.
    @Test(arguments: ["vit-s", "mamba-s"])
    func autoencoderLearnsWithTokenBackbones(backbone: String) throws {
        let dir = RunFixtures.directory("ae-" + backbone)
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = RunFixtures.config(method: "ae", backbone: backbone, steps: 30, extra: #", "loss": "l2""#)
        let outcome = try Runs.train(config: config, source: "fixture", directory: dir, resume: false, progress: .silent)
        #expect(outcome.status == .completed)
        let losses = try RunFixtures.losses(dir)
        #expect(losses.count == 30)
        let (early, late) = (losses.prefix(5).reduce(0, +), losses.suffix(5).reduce(0, +))
        #expect(late < early)
    }

    /// The denoising ae with standardized residuals: trains, and its best checkpoint carries the residual
    /// normal model fitted at validation (finite means, positive spreads, no longer the initial ones).
    @Test func standardizedDenoisingAutoencoderStoresItsResidualModel() throws {
        let config = RunFixtures.config(method: "ae", extra: #", "residual": "standardized", "noise_std": 0.2"#)
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(config, name: "ae-standardized")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed)
        try checkSchema(result, method: "ae")
        let tensors = try SafeTensors.read(dir.appendingPathComponent("checkpoints/best.safetensors")).tensors
        let mean = try #require(tensors["residualNormal.mean"]).values, std = try #require(tensors["residualNormal.std"]).values
        #expect(mean.count == 8 * 16 * 16 && mean.allSatisfy(\.isFinite) && mean.contains { $0 != 0 })
        #expect(std.allSatisfy { $0.isFinite && $0 >= 0 } && std.contains { $0 > 0 && $0 != 1 })
    }

    @Test func predictorMapsMatchInputDimsWithinUnitRange() throws {
        let dir = RunFixtures.directory("predictor")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Runs.train(config: RunFixtures.config(method: "synth", steps: 3), source: "fixture", directory: dir,
                           resume: false, progress: .silent)
        let predictor = try Runs.predictor(for: dir.appendingPathComponent("checkpoints/best.safetensors"))
        var volume = Phantom.brain(size: 24, seed: 9, index: 0).image
        volume = Preprocess.crop(volume, lower: [0, 2, 5], upper: [20, 19, 17])
        let (map, score) = try predictor.predict(volume, preset: .mriPercentile)
        #expect(map.dims == volume.dims)
        #expect(map.voxels.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(score >= 0 && score <= 1)
        let slice = Slicing.slice(volume, axis: 2, index: 3)
        #expect(try predictor.predict(slice, preset: .mriPercentile).map.dims == slice.dims)
    }

    @Test func sameSeedGivesIdenticalResults() throws {
        let config = RunFixtures.config(method: "devnet", steps: 4)
        let (first, _, a) = try RunFixtures.trainAndEvaluate(config, name: "det-a")
        let (second, _, b) = try RunFixtures.trainAndEvaluate(config, name: "det-b")
        defer { try? FileManager.default.removeItem(at: first); try? FileManager.default.removeItem(at: second) }
        for key in ["sample", "pixel", "per_type", "cases", "manifest_hash"] {
            #expect(ConfigComposition.value(at: key, in: a) == ConfigComposition.value(at: key, in: b), "\(key) differs")
        }
    }

    /// Paired tests against a reference run: against itself every difference is 0 with permutation
    /// p = 1 and DeLong's test says why it is undefined; against another method the AP differences
    /// are those of the two results; a run at another label ratio pairs (same test cases); a run on other test cases is refused.
    @Test func versusAddsPairedTestsOnTheSameCases() throws {
        let (dir, _, _) = try RunFixtures.trainAndEvaluate(RunFixtures.config(method: "intensity", steps: 0), name: "versus")
        let (synth, _, theirs) = try RunFixtures.trainAndEvaluate(RunFixtures.config(method: "synth", steps: 2), name: "versus-synth")
        let other = RunFixtures.directory("versus-other")
        defer { for url in [dir, synth, other] { try? FileManager.default.removeItem(at: url) } }

        let same = try Runs.evaluate(run: dir, versus: dir)
        #expect(ConfigComposition.value(at: "versus.method", in: same) == .string("intensity"))
        let types = try #require(ConfigComposition.value(at: "versus.per_type", in: same)?.objectValue).keys
        #expect(!types.isEmpty)
        for block in ["versus.overall"] + types.map({ "versus.per_type.\($0)" }) {
            for level in ["sample", "pixel"] {
                #expect(RunFixtures.number("\(block).\(level).ap_difference", in: same) == 0, "\(block).\(level)")
                #expect(RunFixtures.number("\(block).\(level).ap_permutation_p", in: same) == 1, "\(block).\(level)")
            }
            #expect(ConfigComposition.value(at: "\(block).sample.undefined.delong_p", in: same) != nil)
        }

        let ours = try Runs.evaluate(run: dir, versus: synth)
        #expect(ConfigComposition.value(at: "versus.method", in: ours) == .string("synth"))
        // (The fixture's three test cases are too few for DeLong's test, which needs two normals.)
        for level in ["sample", "pixel"] {
            let a = try #require(RunFixtures.number("\(level).ap", in: ours))
            let b = try #require(RunFixtures.number("\(level).ap", in: theirs))
            let d = try #require(RunFixtures.number("versus.overall.\(level).ap_difference", in: ours))
            #expect(abs(d - (a - b)) < 1e-9, "\(level)")
        }

        // Another label ratio trains on other data but is scored on the same test cases: it pairs.
        let otherRatio = RunFixtures.directory("versus-ratio")
        defer { try? FileManager.default.removeItem(at: otherRatio) }
        let ratio = try ConfigComposition.set(.number(0), at: ["data", "label_ratio"],
                                              in: RunFixtures.config(method: "intensity", steps: 0), fullPath: "data.label_ratio")
        _ = try Runs.train(config: ratio, source: "fixture", directory: otherRatio, resume: false, progress: .silent)
        let paired = try Runs.evaluate(run: dir, versus: otherRatio)
        #expect(RunFixtures.number("versus.overall.sample.ap_difference", in: paired) != nil)
        #expect(ConfigComposition.value(at: "test_set", in: try Runs.evaluate(run: otherRatio))
                == ConfigComposition.value(at: "test_set", in: paired))

        let config = try ConfigComposition.set(.number(13), at: ["data", "phantom", "subjects"],
                                               in: RunFixtures.config(method: "intensity", steps: 0), fullPath: "data.phantom.subjects")
        _ = try Runs.train(config: config, source: "fixture", directory: other, resume: false, progress: .silent)
        let error = #expect(throws: MedadError.self) { try Runs.evaluate(run: dir, versus: other) }
        #expect(error?.description.contains("other test cases") == true)
    }

    /// A retest scores the trained weights on the run's own test cases (the same scores) and on the
    /// held-out subjects after them, without training; a config that would train differently is refused.
    @Test func retestScoresTheTrainedWeightsOnMoreSubjects() throws {
        let config = RunFixtures.config(method: "synth", steps: 2)
        let (dir, _, result) = try RunFixtures.trainAndEvaluate(config, name: "retest-origin")
        let wide = RunFixtures.directory("retest-wide")
        defer { for url in [dir, wide] { try? FileManager.default.removeItem(at: url) } }
        var wider = try ConfigComposition.set(.number(6), at: ["data", "phantom", "test_subjects"], in: config,
                                              fullPath: "data.phantom.test_subjects")
        wider = try ConfigComposition.set(.string("t-wide"), at: ["name"], in: wider, fullPath: "name")
        let retested = try Runs.retest(run: dir, config: wider, source: "fixture", into: wide)
        guard case .array(let before)? = ConfigComposition.value(at: "cases", in: result),
              case .array(let after)? = ConfigComposition.value(at: "cases", in: retested) else { Issue.record("no cases"); return }
        #expect(after.count == before.count + 6)
        #expect(Array(after.prefix(before.count)) == before)
        #expect(after.dropFirst(before.count).allSatisfy {
            guard case .string(let name)? = ConfigComposition.value(at: "name", in: $0) else { return false }
            return ["phantom_012", "phantom_013", "phantom_014", "phantom_015", "phantom_016", "phantom_017"].contains(String(name.prefix(11)))
        })
        #expect(try Data(contentsOf: TrainingCheckpoint.bestWeights(wide)) == Data(contentsOf: TrainingCheckpoint.bestWeights(dir)))
        #expect(!FileManager.default.fileExists(atPath: wide.appendingPathComponent("train.jsonl").path))
        // Resolved configs show the key only when set, so those of earlier runs stay as they were.
        #expect(ConfigComposition.value(at: "config.data.phantom.test_subjects", in: retested) == .number(6))
        #expect(ConfigComposition.value(at: "config.data.phantom.test_subjects", in: result) == nil)

        let longer = try ConfigComposition.set(.number(3), at: ["train", "steps"], in: wider, fullPath: "train.steps")
        #expect(ConfigComposition.value(at: "train.trained_in", in: retested) == .string(dir.path))
        #expect(throws: MedadError("fixture: train.steps is 3 here and 2 in the run in \(dir.path); a retest may change only name, method.label, data.phantom.test_subjects, train.select and what is fitted after training")) {
            try Runs.retest(run: dir, config: longer, source: "fixture", into: RunFixtures.directory("retest-refused"))
        }
    }

    /// `train.select: last` keeps the final (EMA) weights; a run that selected `best`, retested with
    /// `last`, is read exactly as if it had been trained with `last`, and the reverse is refused.
    @Test func retestWithLastSelectionEqualsARunTrainedWithIt() throws {
        var config = RunFixtures.config(method: "synth", steps: 6)
        for (path, value) in [("seed", JSONValue.number(1)), ("train.val_every", .number(1)), ("train.ema", .number(0.5))] {
            config = try ConfigComposition.set(value, at: path.split(separator: ".").map(String.init), in: config, fullPath: path)
        }
        let lastConfig = try ConfigComposition.set(.string("last"), at: ["train", "select"], in: config, fullPath: "train.select")
        let (best, bestOutcome, _) = try RunFixtures.trainAndEvaluate(config, name: "select-best")
        let (last, lastOutcome, lastResult) = try RunFixtures.trainAndEvaluate(lastConfig, name: "select-last")
        let retestDir = RunFixtures.directory("select-retest")
        defer { for url in [best, last, retestDir] { try? FileManager.default.removeItem(at: url) } }
        // Seed 1 makes step 2 the best, so `last` must change which weights are kept.
        #expect(bestOutcome.bestStep.map { $0 < 6 } == true)
        #expect(lastOutcome.bestStep == 6)
        let finalEMA = TrainingCheckpoint.Parts(try SafeTensors.read(TrainingCheckpoint.lastWeights(best)).tensors).ema.mapValues(\.values)
        let kept = try SafeTensors.read(TrainingCheckpoint.bestWeights(last)).tensors.mapValues(\.values)
        #expect(!finalEMA.isEmpty && kept == finalEMA)

        let retested = try Runs.retest(run: best, config: lastConfig, source: "fixture", into: retestDir)
        #expect(try SafeTensors.read(TrainingCheckpoint.bestWeights(retestDir)).tensors.mapValues(\.values) == finalEMA)
        for path in ["sample", "pixel", "cases", "train.best_step", "train.best_score", "config.train.select"] {
            #expect(ConfigComposition.value(at: path, in: retested) == ConfigComposition.value(at: path, in: lastResult), "\(path)")
        }
        #expect(ConfigComposition.value(at: "config.train.select", in: retested) == .string("last"))
        #expect(throws: MedadError("fixture: train.select is best here and last in the run in \(last.path), which kept only its last weights; train it again to select the best-scoring ones")) {
            try Runs.retest(run: last, config: config, source: "fixture", into: RunFixtures.directory("select-refused"))
        }
    }

    @Test func evaluatingAnUntrainedDirectoryFailsClearly() {
        let dir = RunFixtures.directory("missing")
        #expect(throws: MedadError.self) { try Runs.evaluate(run: dir) }
    }

    private func checkSchema(_ result: JSONValue, method: String) throws {
        #expect(RunFixtures.number("schema", in: result) == 1)
        #expect(ConfigComposition.value(at: "method", in: result) == .string(method))
        for level in ["sample", "pixel", "seen.sample", "seen.pixel"] {
            let auroc = try #require(ConfigComposition.value(at: "\(level).auroc", in: result), "\(level).auroc missing")
            if case .number(let n) = auroc { #expect((0...1).contains(n)) }
            #expect(ConfigComposition.value(at: "\(level).ap", in: result) != nil)
            #expect(ConfigComposition.value(at: "\(level).ci", in: result) != nil)
        }
        for key in ["pixel.best_dice", "pixel.aupro_30", "pixel.froc_average", "sample.fpr_at_95_tpr", "train.status",
                    "eval_seconds", "parameters", "manifest_hash", "config.data.size", "per_type", "cases", "label_ratio"] {
            #expect(ConfigComposition.value(at: key, in: result) != nil, "\(key) missing")
        }
    }
}
