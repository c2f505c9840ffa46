import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadVolumes
import Testing

/// `ddpm` through the shared loop: every inference mode and noise trains and scores a volume with
/// finite maps, the same volume scores the same twice, and pDDPM's box grid covers every pixel.
@Suite(.serialized) struct DiffusionMethodTests {
    @Test(arguments: [
        #", "inference": "x0""#,
        #", "inference": "patched", "patch": 0.5, "overlap": 0.5"#,
        #", "inference": "ensemble", "ensemble_t": [100, 400]"#,
        #", "inference": "chain", "chain_t": 12, "ddim_steps": 0"#,
        #", "inference": "chain", "chain_t": 300, "ddim_steps": 4, "noise": "simplex", "objective": "eps", "loss": "l2", "schedule": "cosine""#,
    ])
    func everyInferenceModeTrainsAndScoresRepeatably(extra: String) throws {
        let dir = RunFixtures.directory("ddpm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try Runs.train(config: RunFixtures.config(method: "ddpm", steps: 3, extra: extra), source: "fixture",
                                     directory: dir, resume: false, progress: .silent)
        #expect(outcome.status == .completed)
        #expect(try RunFixtures.losses(dir).allSatisfy(\.isFinite))
        let volume = Phantom.brain(size: 16, seed: 5, index: 1).image
        let first = try Runs.predictor(for: dir).predict(volume, preset: .mriPercentile)
        let second = try Runs.predictor(for: dir).predict(volume, preset: .mriPercentile)
        #expect(first.map.voxels.allSatisfy(\.isFinite) && first.score.isFinite)
        #expect(first.map.voxels == second.map.voxels && first.score == second.score)
    }

    @Test func patchedTrainingNoisesOneBoxAndEvaluates() throws {
        let config = RunFixtures.config(method: "ddpm", steps: 4, extra: #", "inference": "patched", "patch": 0.25"#)
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(config, name: "ddpm-patched")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.steps == 4)
        #expect(ConfigComposition.value(at: "uses_labels", in: result) == .bool(false))
        #expect(ConfigComposition.value(at: "config.method.inference", in: result) == .string("patched"))
    }

    @Test(arguments: [(16, 0.5, 0.5, 9), (16, 0.5, 0.0, 4), (20, 0.3, 0.5, 36), (8, 1.0, 0.5, 1)])
    func patchGridCoversEveryPixel(size: Int, patch: Double, overlap: Double, boxes: Int) {
        let grid = PatchGrid.boxes(size: size, patch: patch, overlap: overlap)
        #expect(grid.count == boxes)
        var covered = [Int](repeating: 0, count: size * size)
        for box in grid {
            #expect(box.row + box.side <= size && box.column + box.side <= size)
            for r in box.row..<(box.row + box.side) { for c in box.column..<(box.column + box.side) { covered[r * size + c] += 1 } }
        }
        #expect(covered.allSatisfy { $0 > 0 })
    }

    @Test func modeParametersAreChecked() {
        let cases: [(String, String)] = [
            (#""inference": "chain", "chain_t": 1000"#, "method.chain_t: 1000 is out of range; expected a whole number in [0, 999]"),
            (#""ensemble_t": [10, 2.5]"#, "method.ensemble_t[1]: 2.5 is not a timestep; expected whole numbers in [0, 999]"),
            (#""ensemble_t": []"#, "method.ensemble_t: is empty"),
            (#""timesteps": 100, "t_test": 500"#, "method.t_test: 500 is out of range; expected a whole number in [0, 99]"),
            (#""noise": "perlin""#, "method.noise: \"perlin\" is not one of gaussian, simplex"),
        ]
        for (keys, message) in cases {
            let error = #expect(throws: MedadError.self) {
                try RunConfig(JSONParser.parse(#"{"method": {"name": "ddpm", \#(keys)}}"#, source: "cfg"), source: "cfg")
            }
            #expect(error?.description.hasPrefix("cfg: " + message) == true, "\(keys): \(error?.description ?? "no error")")
        }
    }
}
