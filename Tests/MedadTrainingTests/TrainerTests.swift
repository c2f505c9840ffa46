import Foundation
import MedadConfig
import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining
import Testing

@Suite struct TrainerTests {
    let options = TrainingOptions(steps: 12, learningRate: 0.02, weightDecay: 0.01, warmupSteps: 3, clipNorm: 0.5,
                                  emaDecay: 0.9, validateEvery: 4, checkpointEvery: 5, seed: 11)
    let config = JSONValue.object(JSONObject([("name", .string("toy")), ("steps", .number(12))]))

    @Test func resumedRunEqualsUninterruptedRun() throws {
        let straight = try temporaryRun("straight")
        let outcome = try Trainer(objective: ToyObjective(), options: options, directory: straight, sidecar: config).run(resume: false)
        #expect(outcome.status == .completed && outcome.steps == 12)

        let split = try temporaryRun("split")
        let first = try Trainer(objective: ToyObjective(), options: options, directory: split, sidecar: config)
            .run(resume: false, stopAfter: 7)
        #expect(first.status == .stopped(step: 7) && first.steps == 7)
        #expect(try TrainingCheckpoint.sidecar(TrainingCheckpoint.lastSidecar(split))["step"] == .number(7))
        let resumed = try Trainer(objective: ToyObjective(), options: options, directory: split, sidecar: config).run(resume: true)
        #expect(resumed.status == .completed && resumed.steps == 12)
        #expect(resumed.bestStep == outcome.bestStep && resumed.bestScore == outcome.bestScore)

        // Parameters, ema.* and optimizer.* all bit-identical; the best weights too.
        let expected = try tensorValues(TrainingCheckpoint.lastWeights(straight))
        #expect(expected.keys.contains { $0.hasPrefix("ema.") } && expected.keys.contains { $0.hasPrefix("optimizer.exp_avg_sq.") })
        #expect(try tensorValues(TrainingCheckpoint.lastWeights(split)) == expected)
        #expect(try tensorValues(TrainingCheckpoint.bestWeights(split)) == tensorValues(TrainingCheckpoint.bestWeights(straight)))
        // The log reads as if never interrupted (the resume dropped the `stopped` status line).
        #expect(try jsonLines(straight.appendingPathComponent("train.jsonl")) == jsonLines(split.appendingPathComponent("train.jsonl")))
    }

    @Test func resumeDropsLinesLoggedAfterTheCheckpoint() throws {
        let straight = try temporaryRun("straight-log")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: straight, sidecar: config).run(resume: false)
        let crashed = try temporaryRun("crashed")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: crashed, sidecar: config).run(resume: false, stopAfter: 7)
        // As if the run had gone on to the end after its step-7 checkpoint and then lost its later checkpoints.
        let log = crashed.appendingPathComponent("train.jsonl")
        try FileManager.default.removeItem(at: log)
        try FileManager.default.copyItem(at: straight.appendingPathComponent("train.jsonl"), to: log)
        _ = try Trainer(objective: ToyObjective(), options: options, directory: crashed, sidecar: config).run(resume: true)
        let lines = try jsonLines(log)
        #expect(lines == (try jsonLines(straight.appendingPathComponent("train.jsonl"))))
        #expect(Set(lines).count == lines.count)
    }

    @Test func freshRunInAUsedDirectoryStartsClean() throws {
        let run = try temporaryRun("fresh")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: run, sidecar: config).run(resume: false)
        let outcome = try Trainer(objective: ToyObjective(), options: options, directory: run, sidecar: config)
            .run(resume: false, stopAfter: 2)
        #expect(outcome.steps == 2 && outcome.bestStep == nil)
        #expect(!FileManager.default.fileExists(atPath: TrainingCheckpoint.bestWeights(run).path))
        #expect(try jsonLines(run.appendingPathComponent("train.jsonl")).count == 3)
    }

    @Test func resumingWithOtherOptionsIsRefused() throws {
        let run = try temporaryRun("options")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: run, sidecar: config).run(resume: false, stopAfter: 3)
        var other = options
        other.seed = 12
        #expect(throws: MedadError.self) {
            try Trainer(objective: ToyObjective(), options: other, directory: run, sidecar: config).run(resume: true)
        }
    }

    @Test func nonFiniteLossStopsAtItsStepWithStatus() throws {
        let run = try temporaryRun("nan")
        let objective = ToyObjective()
        objective.nonFiniteLossAt = 6
        let outcome = try Trainer(objective: objective, options: options, directory: run, sidecar: config).run(resume: false)
        #expect(outcome.status == .stoppedNonFinite(step: 6, what: "loss"))
        #expect(outcome.steps == 6)
        let lines = try jsonLines(run.appendingPathComponent("train.jsonl"))
        let last = try JSONParser.parse(lines.last!, source: "line").objectValue!
        #expect(last["status"] == .string("stopped_nonfinite") && last["step"] == .number(6) && last["what"] == .string("loss"))
        #expect(lines.filter { $0.contains("\"kind\":\"train\"") }.count == 6)
        let status = try TrainingCheckpoint.sidecar(run.appendingPathComponent("status.json"))
        #expect(status["status"] == .string("stopped_nonfinite") && status["step"] == .number(6))
        // The last good checkpoint (after 5 updates) is intact, finite and loadable.
        #expect(try TrainingCheckpoint.sidecar(TrainingCheckpoint.lastSidecar(run))["step"] == .number(5))
        let weights = try tensorValues(TrainingCheckpoint.lastWeights(run))
        #expect(weights.values.allSatisfy { $0.allSatisfy(\.isFinite) })
        try TrainingCheckpoint.loadWeights(into: ToyObjective().net, from: TrainingCheckpoint.lastWeights(run))
    }

    @Test func nonFiniteGradientStopsWithoutApplyingTheUpdate() throws {
        let run = try temporaryRun("grad")
        let objective = ToyObjective()
        objective.nonFiniteGradientAt = 2
        var plain = options
        plain.emaDecay = nil
        let outcome = try Trainer(objective: objective, options: plain, directory: run, sidecar: config).run(resume: false)
        #expect(outcome.status == .stoppedNonFinite(step: 2, what: "gradient norm"))
        #expect(objective.net.namedParameters().allSatisfy { $0.1.values.allSatisfy(\.isFinite) })
    }

    @Test func objectiveErrorIsLoggedAndRethrown() throws {
        let run = try temporaryRun("throw")
        let objective = ToyObjective()
        objective.throwAt = 4
        #expect(throws: MedadError("toy objective failed at step 4")) {
            try Trainer(objective: objective, options: options, directory: run, sidecar: config).run(resume: false)
        }
        let last = try JSONParser.parse(try jsonLines(run.appendingPathComponent("train.jsonl")).last!, source: "line").objectValue!
        #expect(last["status"] == .string("failed") && last["step"] == .number(4))
    }

    @Test func bestCheckpointFollowsTheValidationScore() throws {
        let run = try temporaryRun("best")
        let objective = ToyObjective()
        objective.scriptedScores = [0.1, 0.5, 0.3, 0.7, 0.2]
        var scripted = options
        scripted.steps = 10
        scripted.validateEvery = 2
        scripted.emaDecay = nil
        let outcome = try Trainer(objective: objective, options: scripted, directory: run, sidecar: config).run(resume: false)
        #expect(outcome.bestStep == 8 && outcome.bestScore == 0.7)
        #expect(objective.judged.count == 5)
        #expect(try tensorValues(TrainingCheckpoint.bestWeights(run)) == objective.judged[3])
        let best = try TrainingCheckpoint.sidecar(TrainingCheckpoint.bestSidecar(run))
        #expect(best["step"] == .number(8) && best["score"] == .number(0.7) && best["weights"] == .string("raw"))
        #expect(best["metrics"] == .object(JSONObject([("call", .number(4))])))
        let flags = try jsonLines(run.appendingPathComponent("train.jsonl")).compactMap { line -> Bool? in
            guard case .bool(let flag)? = try JSONParser.parse(line, source: "line").objectValue?["best"] else { return nil }
            return flag
        }
        #expect(flags == [true, true, false, true, false])
    }

    @Test func lastSelectionKeepsTheLastFiniteValidation() throws {
        let run = try temporaryRun("last")
        let objective = ToyObjective()
        objective.scriptedScores = [0.9, 0.5, 0.3, 0.2, .nan]
        var scripted = options
        scripted.steps = 10
        scripted.validateEvery = 2
        scripted.emaDecay = nil
        scripted.selection = .last
        let outcome = try Trainer(objective: objective, options: scripted, directory: run, sidecar: config).run(resume: false)
        #expect(outcome.bestStep == 8 && outcome.bestScore == 0.2)
        #expect(try tensorValues(TrainingCheckpoint.bestWeights(run)) == objective.judged[3])
        // Recorded (and checked on resume) only when it is not the rule older checkpoints were written under.
        #expect(scripted.json.objectValue?["select"] == .string("last") && options.json.objectValue?["select"] == nil)
    }

    @Test func validationJudgesEMAWeightsAndRestoresLiveOnes() throws {
        let run = try temporaryRun("ema-judge")
        let objective = ToyObjective()
        var single = options
        single.steps = 4
        single.validateEvery = 4
        _ = try Trainer(objective: objective, options: single, directory: run, sidecar: config).run(resume: false)
        let last = try tensorValues(TrainingCheckpoint.lastWeights(run))
        for (name, values) in objective.judged[0] {
            #expect(values == last["ema." + name])
            #expect(objective.net.parameter(named: name)!.values == last[name])
        }
        #expect(try tensorValues(TrainingCheckpoint.bestWeights(run)) == objective.judged[0])
        #expect(try TrainingCheckpoint.sidecar(TrainingCheckpoint.bestSidecar(run))["weights"] == .string("ema"))
    }

    @Test func sidecarRecordsTheRun() throws {
        let run = try temporaryRun("sidecar")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: run, sidecar: config, manifestHash: "abc123")
            .run(resume: false)
        let sidecar = try TrainingCheckpoint.sidecar(TrainingCheckpoint.lastSidecar(run))
        #expect(sidecar["kind"] == .string("last") && sidecar["status"] == .string("completed"))
        #expect(sidecar["step"] == .number(12) && sidecar["steps"] == .number(12))
        #expect(sidecar["config"] == config && sidecar["options"] == options.json)
        #expect(sidecar["manifest_hash"] == .string("abc123") && sidecar["ema"] == .bool(true))
        #expect(sidecar["medad_version"] == .string(TrainingCheckpoint.medadVersion))
        guard case .object(let best)? = sidecar["best"], case .object(let metrics)? = sidecar["metrics"],
              case .string(let created)? = sidecar["created"], case .string(let written)? = sidecar["written"] else {
            Issue.record("sidecar lacks best/metrics/timestamps: \(JSONValue.object(sidecar).canonical)")
            return
        }
        #expect(best["step"] != nil && metrics["mse"] != nil)
        #expect(ISO8601DateFormatter().date(from: created) != nil && ISO8601DateFormatter().date(from: written) != nil)
        #expect(try SafeTensors.read(TrainingCheckpoint.lastWeights(run)).metadata["step"] == "12")
    }

    @Test func mismatchedCheckpointGivesOneLineError() throws {
        let run = try temporaryRun("mismatch")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: run, sidecar: config).run(resume: false, stopAfter: 2)
        var rng = SeededRandom(seed: 0)
        let wider = TrainingDemo.MLP(width: 9, rng: &rng)
        do {
            try TrainingCheckpoint.loadWeights(into: wider, from: TrainingCheckpoint.lastWeights(run))
            Issue.record("a checkpoint of another shape loaded")
        } catch let error as MedadError {
            #expect(error.message.hasPrefix(TrainingCheckpoint.lastWeights(run).path + ": cannot load parameters: mis-shaped"))
            #expect(!error.message.contains("\n"))
        }
        try TrainingCheckpoint.loadWeights(into: ToyObjective().net, from: TrainingCheckpoint.lastWeights(run), ema: true)
    }

    @Test func learningRateFollowsTheScheduleEachStep() throws {
        let run = try temporaryRun("schedule")
        _ = try Trainer(objective: ToyObjective(), options: options, directory: run, sidecar: config).run(resume: false)
        let rates = try jsonLines(run.appendingPathComponent("train.jsonl")).compactMap { line -> (Int, Double)? in
            let object = try JSONParser.parse(line, source: "line").objectValue!
            guard object["kind"] == .string("train"), case .number(let step)? = object["step"],
                  case .number(let rate)? = object["lr"] else { return nil }
            return (Int(step), rate)
        }
        #expect(rates.map(\.0) == Array(0..<12))
        for (step, rate) in rates {
            #expect(rate == Double(options.schedule.learningRate(at: step)))
        }
        // Warm-up 0.02/3, 0.04/3, 0.02, then the cosine down towards 0.
        #expect(abs(rates[0].1 - 0.02 / 3) < 1e-8 && abs(rates[2].1 - 0.02) < 1e-8 && rates[11].1 < rates[3].1)
    }

    @Test func badOptionsAreOneLineErrors() throws {
        var bad = options
        bad.warmupSteps = 20
        #expect(throws: MedadError("training option warmup = 20: expected an integer in 0…steps")) { try bad.validate() }
    }
}
