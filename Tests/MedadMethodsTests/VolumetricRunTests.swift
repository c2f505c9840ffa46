import Foundation
import MedadConfig
import MedadMethods
import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining
import MedadVolumes
import Testing

/// Volumetric backbones: patches from the pool, sliding-window inference, every 3D method through the
/// one loop, and clear refusals for the 2D-only ones.
@Suite(.serialized) struct VolumetricRunTests {
    /// RunFixtures' 16³ phantoms resampled to 24³, with 16³ patches (sides are multiples of 8), so that
    /// training crops and inference tiles overlap.
    static func config(method: String, backbone: String = "cnn3d-s", steps: Int = 3, extra: String = "") -> JSONValue {
        var config = RunFixtures.config(method: method, backbone: backbone, steps: steps, extra: extra)
        config = try! ConfigComposition.apply(["data.size=24", "data.patch=16", "train.batch=2", "eval.patch_batch=3"], to: config)
        return config
    }

    /// ae, synth, supervised, semi and devnet train cnn3d-s on patches and evaluate whole volumes (the
    /// token backbones in the next test, intensity in the one after).
    @Test(arguments: ["ae", "synth", "supervised", "semi", "devnet"])
    func methodTrainsOnPatches(method: String) throws {
        let (dir, outcome, result) = try RunFixtures.trainAndEvaluate(Self.config(method: method), name: "3d-" + method)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed && outcome.steps == 3)
        #expect(try RunFixtures.losses(dir).allSatisfy(\.isFinite))
        let ap = try #require(RunFixtures.number("pixel.ap", in: result))
        #expect(ap >= 0 && ap <= 1)
        #expect(ConfigComposition.value(at: "config.data.patch", in: result) == .number(16))
    }

    @Test(arguments: ["vit3d-s", "mamba3d-s"])
    func tokenBackbonesTrainOnPatches(backbone: String) throws {
        let (dir, outcome, _) = try RunFixtures.trainAndEvaluate(Self.config(method: "synth", backbone: backbone, steps: 2),
                                                                 name: "3d-" + backbone)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(outcome.status == .completed)
        #expect(try RunFixtures.losses(dir).allSatisfy(\.isFinite))
    }

    @Test func intensityScoresVolumes() throws {
        let config = Self.config(method: "intensity", steps: 0, extra: #", "reference": "global""#)
        let (dir, _, result) = try RunFixtures.trainAndEvaluate(config, name: "3d-intensity")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(RunFixtures.number("pixel.ap", in: result) != nil)
    }

    /// A 2D-only method, a 2D-only option and a patch larger than the volume are each one clear line.
    @Test func refusals() throws {
        let cases: [(JSONValue, String)] = [
            (Self.config(method: "deepsad"), "method deepsad trains 2D backbones only"),
            (Self.config(method: "intensity", steps: 0), "method.reference: position"),
            (try ConfigComposition.apply(["data.patch=32"], to: Self.config(method: "synth")), "data.patch: 32 is larger than data.size 24"),
            (try ConfigComposition.apply(["mamba_scan=cross4"], to: Self.config(method: "synth", backbone: "mamba3d-s")),
             "mamba_scan: backbone mamba3d-s: scan cross4"),
        ]
        for (config, expected) in cases {
            let error = #expect(throws: MedadError.self) { try Runs.validate(config: config, source: "fixture") }
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error")")
        }
    }

    /// Tiles cover the volume edge to edge at the nnU-Net spacing, and a model whose map is its input
    /// gets the volume back exactly: the Gaussian weights only average.
    @Test func slidingWindowCoversAndAverages() {
        #expect(SlidingWindow(side: 64, patch: 32, batch: 1).origins == [0, 16, 32])
        #expect(SlidingWindow(side: 40, patch: 16, batch: 1).origins == [0, 8, 16, 24])
        #expect(SlidingWindow(side: 16, patch: 16, batch: 1).origins == [0])
        let window = SlidingWindow(side: 24, patch: 16, batch: 3)
        var rng = SeededRandom(seed: 5)
        let volume = (0..<(24 * 24 * 24)).map { _ in rng.nextFloat() }
        let scored = window.scores(volume, model: EchoModel())
        let worst = zip(scored.map, volume).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-5)
        #expect(scored.best == window.tiles.map { origin in
            Preprocess.crop(volume, dims: [24, 24, 24], lower: origin, extent: [16, 16, 16]).max()!
        }.max()!)
    }

    /// Patches of revealed anomalies hold their lesion; tissue patches hold tissue; all stay inside.
    @Test func patchesAroundLesionsAndTissue() throws {
        let side = 24, patch = 8
        var mask = [Float](repeating: 0, count: side * side * side)
        let lesion = 20 + side * (3 + side * 21)  // x 20, y 3, z 21: near a corner
        mask[lesion] = 1
        // Tissue in the lower half (z < 12), far from the lesion.
        let brain = (0..<mask.count).map { $0 < side * side * 12 ? UInt8(1) : 0 }
        let image = (0..<mask.count).map(Float.init)
        let pool = [TrainingSlice(image: image, position: 0.5, label: 1, mask: mask, brain: brain)]
        let crop = PatchCrop(volume: [side, side, side], patch: [patch, patch, patch], pool: pool)
        var rng = SeededRandom(seed: 1)
        for _ in 0..<20 {
            let cut = crop.cut(pool[0], lesion: crop.lesions[0], &rng)
            #expect(cut.label == 1 && cut.mask?.contains(1) == true && cut.image.count == patch * patch * patch)
            let tissue = crop.cut(pool[0], lesion: nil, &rng)
            #expect(tissue.brain.contains(1), "a tissue patch holds no tissue")
            #expect(tissue.label == 0, "a patch of a revealed volume without its lesion is a labelled normal")
            // Rows are contiguous runs of the source: x steps by 1 within a row.
            #expect(zip(tissue.image, tissue.image.dropFirst()).prefix(patch - 1).allSatisfy { $1 - $0 == 1 })
        }
    }
}

extension VolumetricRunTests {
    /// A circular shift moves voxel (x, y, z) to (x − a, y − b, z − c) modulo the sides.
    @Test func donorShiftRollsEveryAxis() {
        let dims = [3, 4, 2]
        let values = (0..<24).map(Float.init)
        let shifted = Preprocess.rolled(Volume(dims: dims, voxels: values), by: [1, 3, 1]).voxels
        for z in 0..<2 {
            for y in 0..<4 {
                for x in 0..<3 {
                    let from = (x + 1) % 3 + 3 * ((y + 3) % 4 + 4 * ((z + 1) % 2))
                    #expect(shifted[x + 3 * (y + 4 * z)] == values[from])
                }
            }
        }
        #expect(Preprocess.rolled(Volume(dims: dims, voxels: values), by: [0, 0, 0]).voxels == values)
    }
}

/// Scores every voxel with its own value; the image score is the maximum.
private final class EchoModel: Module, ScoringModel {
    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let values = images.values, per = values.count / images.shape[0]
        return (values, (0..<images.shape[0]).map { values[($0 * per)..<(($0 + 1) * per)].max()! })
    }
}
