import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadTestSupport
import Testing

/// `Runs.probe`: which cells a layer is probed on, and the probe of a tiny trained run.
@Suite(.serialized) struct FeatureProbeTests {
    /// An 8 × 8 slice at stride 4: the top-left cell is all anomaly, the top-right a quarter anomaly,
    /// the bottom-left clean, the bottom-right three quarters outside the brain.
    @Test func cellsAreAnomalousNormalOrLeftOut() {
        var mask = [Float](repeating: 0, count: 64), brain = [Float](repeating: 1, count: 64)
        for y in 0..<4 { for x in 0..<4 { mask[x + 8 * y] = 1 } }
        for y in 0..<2 { for x in 4..<6 { mask[x + 8 * y] = 1 } }
        for y in 4..<8 { for x in 4..<8 where x > 4 || y > 4 { brain[x + 8 * y] = 0 } }
        #expect(ProbeCells.labels(mask: mask, brain: brain, size: 8, stride: 4) == [true, nil, false, nil])
        // At stride 1 every in-brain pixel is a cell of its own.
        let pixels = ProbeCells.labels(mask: mask, brain: brain, size: 8, stride: 1)
        #expect(pixels.compactMap { $0 }.count == 64 - 15 && pixels.filter { $0 == true }.count == 20)
    }

    /// A few steps of `synth` with cnn-s on 32³ phantoms with 10 extra test subjects: every pyramid level
    /// and decoder stage is probed on every anomalous case, finest encoder level first, then the run's
    /// own scores on the same cells as the last decoder stage; a type with one case is probed too.
    @Test func probesEveryLayerOfATrainedRun() throws {
        let config = try JSONParser.parse("""
        {"name": "t-probe", "seed": 3, "backbone": "cnn-s", "method": {"name": "synth"},
         "data": {"size": 32, "contamination": 0.2, "phantom": {"subjects": 12, "volume_size": 32, "test_subjects": 10}},
         "train": {"steps": 4, "batch": 4, "val_every": 4, "warmup": 0}, "eval": {"bootstrap": 20, "batch": 8}}
        """, source: "fixture")
        let dir = RunFixtures.directory("probe")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Runs.train(config: config, source: "fixture", directory: dir, resume: false, progress: .silent)
        let levels = try Runs.probe(run: dir)
        #expect(levels.map(\.layer) == ["encoder", "encoder", "encoder", "decoder", "decoder", "decoder", "output"])
        #expect(levels.map(\.stride) == [2, 4, 8, 4, 2, 1, 1])
        #expect(levels.map(\.channels) == [32, 64, 192, 64, 32, 32, 1])
        // 32² slices leave stride 8 with 4 × 4 cells, which small anomalies may never half fill.
        for level in levels where level.stride <= 4 {
            #expect(level.testAnomalous > 0 && level.testAnomalous < level.testCells, "\(level.layer) s\(level.stride)")
            #expect(level.ap.map { (0...1).contains($0) } == true && level.auroc.map { (0...1).contains($0) } == true,
                    "\(level.layer) s\(level.stride)")
        }
        #expect(levels[0].fitCells == levels[4].fitCells && levels[1].testCells == levels[3].testCells)
        #expect(levels[6].fitCells == 0 && levels[6].testCells == levels[5].testCells)
        #expect(try Runs.probe(run: dir) == levels)

        // Through the CLI: the same layers as JSON, and a bad type as one error line and a failing exit.
        let json = try runProcess(medadExecutable, ["probe", "--run", dir.path, "--json"])
        guard case .array(let listed) = try JSONParser.parse(json.output, source: "stdout") else {
            Issue.record("probe --json is not a list: \(json.output) \(json.error)"); return
        }
        #expect(json.status == 0 && listed.count == levels.count)
        #expect(RunFixtures.number("ap", in: listed[1]) == levels[1].ap)
        let bad = try runProcess(medadExecutable, ["probe", "--run", dir.path, "--type", "sphere2"])
        #expect(bad.status != 0 && bad.error.split(separator: "\n").count == 1 && bad.error.contains("--type sphere2 is not an anomaly type"))

        // A type with one test case is cut between its first and second half of slices instead.
        let result = try Runs.evaluate(run: dir)
        let single = ["sphere", "noise", "blur", "pii", "sink_source"].filter { RunFixtures.number("per_type.\($0).cases", in: result) == 1 }
        guard let lone = single.first else { Issue.record("no type with one test case in the fixture: \(ConfigComposition.value(at: "per_type", in: result)?.canonical ?? "")"); return }
        let cut = try Runs.probe(run: dir, type: lone)
        #expect(cut[5].fitAnomalous > 0 && cut[5].testAnomalous > 0, "\(lone): \(cut[5])")
        #expect(cut[5].fitAnomalous + cut[5].testAnomalous < levels[5].fitAnomalous + levels[5].testAnomalous)

        #expect(throws: MedadError("probe: --type sphere2 is not an anomaly type; expected one of "
                                   + "sphere, noise, fpi, pii, sink_source, blur, cutpaste, mirror, shuffle, blob")) { try Runs.probe(run: dir, type: "sphere2") }
        do {
            _ = try Runs.probe(run: dir, type: "fpi")
            Issue.record("a type without test cases was probed")
        } catch let error as MedadError {
            #expect(error.message.contains("0 test case(s) of type 'fpi', need 2 or more (or one that shows in 2 or more slices); its test set's types: blur, noise, pii"))
        }
    }
}
