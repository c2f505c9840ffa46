import Foundation
import MedadConfig
import MedadMethods
import Testing

/// The research-validity gate: methods must still detect something, not only run. On a small phantom
/// set (48³, 60 subjects, every anomaly inside the brain, cnn-s, 300 steps) the intensity baselines are
/// above chance and the learned methods beat the per-position `intensity` baseline on the anomaly types
/// where they do in notebooks-md/methods.md. Thresholds sit well inside the values measured on seeds
/// 0–2 of this config (given beside each), so the gate fails on a regression, not on noise.
@Suite(.serialized) struct ResearchGateTests {
    static func config(_ method: String, ratio: Double = 0) -> JSONValue {
        try! JSONParser.parse("""
        {"name": "gate", "seed": 0, "backbone": "cnn-s", "method": {\(method)},
         "data": {"size": 48, "label_ratio": \(ratio), "contamination": 0.3, "seen": ["sphere", "noise", "blur"],
                  "unseen": ["sink_source", "pii"], "generators": ["fpi", "cutpaste"],
                  "phantom": {"subjects": 60, "volume_size": 48}},
         "train": {"steps": 300, "batch": 8, "warmup": 20, "val_every": 100, "checkpoint_every": 100},
         "eval": {"bootstrap": 10, "batch": 48, "examples": 0, "postprocess": {"mask": true}}}
        """, source: "gate")
    }

    static func result(_ method: String, ratio: Double = 0) throws -> JSONValue {
        let (directory, _, result) = try RunFixtures.trainAndEvaluate(config(method, ratio: ratio), name: "gate")
        try? FileManager.default.removeItem(at: directory)
        return result
    }

    static func value(_ path: String, _ result: JSONValue) throws -> Double {
        try #require(RunFixtures.number(path, in: result), "\(path) missing or undefined")
    }

    @Test func learnedMethodsBeatIntensityWhereTheyShould() throws {
        let intensity = try Self.result(#""name": "intensity""#)
        let global = try Self.result(#""name": "intensity", "reference": "global""#)
        // Voxel AUROC over the brain; chance is 0.5. Measured 0.73–0.77 and 0.65–0.75.
        #expect(try Self.value("pixel.auroc", intensity) > 0.65)
        #expect(try Self.value("pixel.auroc", global) > 0.6)

        // synth finds pii, an unseen type that keeps intensities in range, as in phantom-methods.md
        // (voxel AUROC 0.83 against 0.65 there). Here 0.98 against 0.61 on seed 0, the gate's seed;
        // seed 2 agrees (0.98 / 0.63) and seed 1 ties (0.63 / 0.67), so a 300-step run decides this
        // on a seed, not in general: the gate catches a synth that stops learning.
        let synth = try Self.result(#""name": "synth""#)
        #expect(try Self.value("per_type.pii.pixel.auroc", synth)
                > Self.value("per_type.pii.pixel.auroc", intensity) + 0.1)

        // supervised, with a quarter of the contaminated pool revealed, finds blur, which keeps
        // intensities in range: voxel AUROC 0.66–0.77 against intensity's 0.49–0.68 on seeds 0–2
        // (margins 0.09–0.26), and 0.80 against 0.55 in phantom-methods.md.
        let supervised = try Self.result(#""name": "supervised""#, ratio: 0.25)
        #expect(try Self.value("per_type.blur.pixel.auroc", supervised)
                > Self.value("per_type.blur.pixel.auroc", intensity))
    }
}
