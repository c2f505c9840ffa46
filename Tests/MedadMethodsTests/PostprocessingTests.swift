import Foundation
import MedadConfig
import MedadMethods
import MedadVolumes
import Testing

/// `eval.postprocess` stage by stage on small hand-made maps, and in a run.
@Suite(.serialized) struct PostprocessingTests {
    private func slice(_ side: Int, _ voxels: [Float]) -> Volume { Volume(dims: [side, side, 1], voxels: voxels) }

    @Test func offLeavesTheMapBitIdentical() throws {
        let map = slice(4, (0..<16).map { Float($0) * 0.0625 + 1e-7 })
        let out = try Postprocessing.apply(PostprocessConfig(), to: map, brain: nil, threshold: 0.5)
        #expect(out.voxels.map(\.bitPattern) == map.voxels.map(\.bitPattern))
        #expect(out.dims == map.dims && out.spacing == map.spacing)
    }

    @Test func maskZeroesOutsideTheBrain() throws {
        let brain = slice(3, [0, 1, 1, 0, 1, 1, 0, 0, 1])
        let out = try Postprocessing.apply(PostprocessConfig(mask: true), to: slice(3, [Float](repeating: 0.7, count: 9)),
                                           brain: brain, threshold: 0.5)
        #expect(out.voxels == brain.voxels.map { $0 * 0.7 })
        #expect(throws: Error.self) {
            try Postprocessing.apply(PostprocessConfig(mask: true), to: slice(4, [Float](repeating: 0, count: 16)),
                                     brain: brain, threshold: 0.5)
        }
    }

    /// Size 3 on a 3 × 3 slice (rows y = 0, 1, 2: 9 1 2 / 3 8 4 / 5 6 7): the window is clipped at the
    /// border, in-plane, and an even count takes the mean of its middle two, e.g. the corner (0, 0) sees
    /// {9, 1, 3, 8} → (3 + 8) / 2 and the edge (1, 0) sees {9, 1, 2, 3, 8, 4} → (3 + 4) / 2.
    @Test func medianMatchesAHandComputation() throws {
        let out = try Postprocessing.apply(PostprocessConfig(median: 3), to: slice(3, [9, 1, 2, 3, 8, 4, 5, 6, 7]),
                                           brain: nil, threshold: 0.5)
        #expect(out.voxels == [5.5, 3.5, 3, 5.5, 5, 5, 5.5, 5.5, 6.5])
        // In a volume the window is a cube: the centre of a 3³ permutation of 0…26 is their median, 13.
        let cube = Volume(dims: [3, 3, 3], voxels: (0..<27).map { Float($0 * 7 % 27) })
        let filtered = try Postprocessing.apply(PostprocessConfig(median: 3), to: cube, brain: nil, threshold: 0.5)
        #expect(filtered.voxels[13] == 13)
    }

    /// At threshold 0.5 an 8 × 8 slice holds a 3 × 3 blob (9 voxels), a diagonal pair (one 8-connected
    /// component of 2) and a lone voxel; with min_component 3 only the blob keeps its scores, and the
    /// voxels below the threshold keep theirs.
    @Test func smallComponentsLoseTheirScores() throws {
        var voxels = [Float](repeating: 0.3, count: 64)
        for y in 1...3 { for x in 1...3 { voxels[x + 8 * y] = 0.9 } }
        voxels[6 + 8 * 6] = 0.8; voxels[7 + 8 * 7] = 0.6
        voxels[6 + 8 * 1] = 0.5
        let out = try Postprocessing.apply(PostprocessConfig(minComponent: 3), to: slice(8, voxels), brain: nil, threshold: 0.5)
        var expected = voxels
        expected[6 + 8 * 6] = 0; expected[7 + 8 * 7] = 0; expected[6 + 8 * 1] = 0
        #expect(out.voxels == expected)
        let kept = try Postprocessing.apply(PostprocessConfig(minComponent: 2), to: slice(8, voxels), brain: nil, threshold: 0.5)
        expected[6 + 8 * 6] = 0.8; expected[7 + 8 * 7] = 0.6
        #expect(kept.voxels == expected)
    }

    /// A run with all three stages records them in result.json, and its predictor zeroes the map outside
    /// the input's estimated head mask.
    @Test func runRecordsAndAppliesIt() throws {
        let config = try ConfigComposition.set(
            JSONParser.parse(#"{"mask": true, "median": 3, "min_component": 2}"#, source: "set"), at: ["eval", "postprocess"],
            in: RunFixtures.config(method: "intensity", steps: 0, extra: #", "reference": "global", "sign": "low""#),
            fullPath: "eval.postprocess")
        let (dir, _, result) = try RunFixtures.trainAndEvaluate(config, name: "postprocess")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(ConfigComposition.value(at: "config.eval.postprocess.median", in: result) == .number(3))
        #expect(ConfigComposition.value(at: "config.eval.postprocess.mask", in: result) == .bool(true))
        #expect(RunFixtures.number("pixel.ap", in: result) != nil)
        let volume = Phantom.brain(size: 16, seed: 4, index: 0).image
        let head = Preprocess.headMask(volume)
        let map = try Runs.predictor(for: dir).predict(volume, preset: .mriPercentile).map
        #expect(head.voxels.contains(0) && zip(map.voxels, head.voxels).allSatisfy { $1 != 0 || $0 == 0 })
    }

    /// With the mask, calibration takes its normal statistics inside the brain: the background's |z|
    /// under the global reference used to set the normal median and clamp every brain voxel to 0
    /// (pixel AUROC exactly 0.5 on 32³ phantoms).
    @Test func maskedRunsCalibrateInsideTheBrain() throws {
        let config = try ConfigComposition.set(
            JSONParser.parse(#"{"mask": true}"#, source: "set"), at: ["eval", "postprocess"],
            in: RunFixtures.config(method: "intensity", steps: 0, extra: #", "reference": "global""#),
            fullPath: "eval.postprocess")
        let (dir, _, result) = try RunFixtures.trainAndEvaluate(config, name: "masked-calibration")
        defer { try? FileManager.default.removeItem(at: dir) }
        let calibration = try JSONParser.parse(file: dir.appendingPathComponent("calibration.json"))
        let median = try #require(RunFixtures.number("voxel_median", in: calibration))
        #expect(median < 1.5, "the normal median |z| of brain voxels, got \(median)")
        #expect(try #require(RunFixtures.number("pixel.auroc", in: result)) > 0.55)
    }
}
