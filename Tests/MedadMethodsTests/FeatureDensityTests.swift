import Foundation
import MedadConfig
import MedadMethods
import MedadNN
import MedadSupport
import MedadTensor
import Testing

/// `synth`'s `density: decoder`: the fitted Gaussian and standardization against plain loops, and the
/// run it changes: training is untouched, and adopting a plain run's weights under the density config
/// gives the density run exactly; `density: auto` gives whichever of the two validates better.
@Suite(.serialized) struct FeatureDensityTests {
    /// Three 4 × 4 slices with three features per pixel (x, x², 1 − 2x + x³/2) and logits 3x − 1; the
    /// pixels outside the brain hold x = 2, and count like the others (every pixel is scored).
    @Test func fitsMeanWhiteningAndStandardizationOnEveryPixel() {
        var rng = SeededRandom(seed: 21)
        let side = 4, pixels = 16
        let slices = (0..<3).map { s -> TrainingSlice in
            let brain = (0..<pixels).map { i -> UInt8 in (i + s) % 5 == 0 ? 0 : 1 }
            let image = brain.map { $0 == 1 ? Float(rng.nextFloat()) : 2 }
            return TrainingSlice(image: image, position: 0.5, label: nil, mask: nil, brain: brain)
        }
        func features(_ x: Float) -> [Double] { [Double(x), Double(x * x), Double(1 - 2 * x + x * x * x / 2)] }
        func read(_ images: Tensor) -> (logits: Tensor, features: Tensor) {
            let b = images.shape[0], x = images.values
            var values = [Float](repeating: 0, count: b * 3 * pixels)
            for n in 0..<b { for i in 0..<pixels { for (c, f) in features(x[n * pixels + i]).enumerated() { values[(n * 3 + c) * pixels + i] = Float(f) } } }
            return (Tensor(shape: images.shape, values: x.map { 3 * $0 - 1 }), Tensor(shape: [b, 3, side, side], values: values))
        }
        let density = FeatureDensity(channels: 3)
        #expect(!density.isFitted)
        density.fit(slices, side: side, read: read)
        #expect(density.isFitted)

        // The same statistics in double precision, with a 3 × 3 inverse by cofactors.
        let pixelValues = slices.flatMap(\.image)
        let n = Double(pixelValues.count), rows: [[Double]] = pixelValues.map { features($0) }
        let mu = (0..<3).map { c in rows.reduce(0) { $0 + $1[c] } / n }
        var a = [Double](repeating: 0, count: 9)
        for row in rows { for i in 0..<3 { for j in 0..<3 { a[i * 3 + j] += (row[i] - mu[i]) * (row[j] - mu[j]) / n } } }
        let ridge = FeatureDensity.shrinkage * (a[0] + a[4] + a[8]) / 3
        for i in 0..<3 { a[i * 4] += ridge }
        let det = a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6])
        let inverse = [a[4] * a[8] - a[5] * a[7], a[2] * a[7] - a[1] * a[8], a[1] * a[5] - a[2] * a[4],
                       a[5] * a[6] - a[3] * a[8], a[0] * a[8] - a[2] * a[6], a[2] * a[3] - a[0] * a[5],
                       a[3] * a[7] - a[4] * a[6], a[1] * a[6] - a[0] * a[7], a[0] * a[4] - a[1] * a[3]].map { $0 / det }
        func distance(_ row: [Double]) -> Double {
            var sum = 0.0
            for i in 0..<3 { for j in 0..<3 { sum += (row[i] - mu[i]) * inverse[i * 3 + j] * (row[j] - mu[j]) } }
            return sum.squareRoot()
        }
        for (got, want) in zip(density.mean.values, mu) { #expect(abs(Double(got) - want) < 1e-5) }
        let distances = rows.map(distance), logits = pixelValues.map { Double(3 * $0 - 1) }
        func moments(_ v: [Double]) -> [Double] {
            let m = v.reduce(0, +) / n
            return [m, (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()]
        }
        let reference = moments(logits) + moments(distances)
        for (got, want) in zip(density.reference.values, reference) { #expect(abs(Double(got) - want) < 2e-4 * max(1, abs(want)), "\(got) \(want)") }

        // Scores of one slice: z(logit) + z(distance) at every pixel.
        let slice = read(Tensor(shape: [1, 1, side, side], values: slices[1].image))
        let scores = density.scores(logits: slice.logits, features: slice.features).values
        for (i, x) in slices[1].image.enumerated() {
            let logit = (Double(3 * x - 1) - reference[0]) / reference[1]
            let want = logit + (distance(features(x)) - reference[2]) / reference[3]
            #expect(abs(Double(scores[i]) - want) < 2e-3 * max(1, abs(want)), "pixel \(i): \(scores[i]) against \(want)")
        }
    }

    /// Tiny `synth` runs with and without the density, from the same seed: the networks train to the
    /// same weights (the unfitted density is not read during training), the density run's best checkpoint
    /// holds a fitted density and scores differently, and the plain run's weights adopted under the density
    /// config fit the same density and evaluate to the same result.
    @Test func densityRunIsThePlainRunWithAFittedRead() throws {
        let plain = RunFixtures.config(method: "synth", steps: 4)
        let dense = RunFixtures.config(method: "synth", steps: 4, extra: #", "density": "decoder""#)
        let (plainDir, _, plainResult) = try RunFixtures.trainAndEvaluate(plain, name: "density-plain")
        let (denseDir, _, denseResult) = try RunFixtures.trainAndEvaluate(dense, name: "density-dense")
        let copy = RunFixtures.directory("density-adopted")
        defer { for dir in [plainDir, denseDir, copy] { try? FileManager.default.removeItem(at: dir) } }
        let best = "checkpoints/best.safetensors"
        let plainTensors = try SafeTensors.read(plainDir.appendingPathComponent(best)).tensors
        let denseTensors = try SafeTensors.read(denseDir.appendingPathComponent(best)).tensors
        #expect(plainTensors.keys.sorted() == denseTensors.keys.filter { !$0.hasPrefix("density.") }.sorted())
        for (name, tensor) in plainTensors { #expect(denseTensors[name]?.values == tensor.values, "\(name)") }
        let reference = try #require(denseTensors["density.reference"]).values
        #expect(reference.count == 4 && reference[1] > 0 && reference[3] > 0)
        #expect(RunFixtures.number("pixel.ap", in: denseResult) != RunFixtures.number("pixel.ap", in: plainResult))

        try Runs.adopt(run: denseDir, weights: plainDir.appendingPathComponent(best), into: copy)
        let adopted = try Runs.evaluate(run: copy)
        for tensor in ["density.mean", "density.whitening", "density.reference"] {
            #expect(try SafeTensors.read(copy.appendingPathComponent(best)).tensors[tensor]?.values == denseTensors[tensor]?.values, "\(tensor)")
        }
        for key in ["pixel", "sample", "per_type"] {
            #expect(ConfigComposition.value(at: key, in: adopted) == ConfigComposition.value(at: key, in: denseResult), "\(key) differs")
        }

        // The density changes no training, so either run is retested under the other's config (a sweep
        // with `reuse_training`), with the density fitted anew or dropped.
        #expect(try RunConfig.trainingIdentity(of: plain, source: "fixture") == RunConfig.trainingIdentity(of: dense, source: "fixture"))
        let (withDensity, withoutDensity) = (RunFixtures.directory("density-retest-a"), RunFixtures.directory("density-retest-b"))
        defer { for dir in [withDensity, withoutDensity] { try? FileManager.default.removeItem(at: dir) } }
        let retests = [(try Runs.retest(run: plainDir, config: dense, source: "fixture", into: withDensity), denseResult),
                       (try Runs.retest(run: denseDir, config: plain, source: "fixture", into: withoutDensity), plainResult)]
        for (retested, original) in retests {
            for key in ["pixel", "sample", "per_type"] {
                #expect(ConfigComposition.value(at: key, in: retested) == ConfigComposition.value(at: key, in: original), "\(key) differs")
            }
        }

        // `auto` keeps the density only when it raises the validation score that chose the weights, which
        // without it is the plain run's best; it is then one of the two runs, and records its choice.
        let auto = RunFixtures.config(method: "synth", steps: 4, extra: #", "density": "auto""#)
        let (automatic, plainAgain) = (RunFixtures.directory("density-retest-auto"), RunFixtures.directory("density-retest-c"))
        defer { for dir in [automatic, plainAgain] { try? FileManager.default.removeItem(at: dir) } }
        let autoResult = try Runs.retest(run: plainDir, config: auto, source: "fixture", into: automatic)
        let with = try #require(RunFixtures.number("train.after_training.density.validation_with", in: autoResult))
        let without = try #require(RunFixtures.number("train.after_training.density.validation_without", in: autoResult))
        let plainBest = try #require(RunFixtures.number("best_score", in: try JSONParser.parse(file: plainDir.appendingPathComponent("training.json"))))
        #expect(abs(without - plainBest) <= 1e-9 * abs(plainBest), "\(without) against the plain run's best \(plainBest)")
        let kept = with > without
        #expect(ConfigComposition.value(at: "train.after_training.density.kept", in: autoResult) == .bool(kept))
        let autoReference = try #require(try SafeTensors.read(automatic.appendingPathComponent(best)).tensors["density.reference"]).values
        #expect(autoReference == (kept ? reference : [0, 0, 0, 0]))
        for key in ["pixel", "sample", "per_type"] {
            #expect(ConfigComposition.value(at: key, in: autoResult) == ConfigComposition.value(at: key, in: kept ? denseResult : plainResult),
                    "\(key) differs from the \(kept ? "density" : "plain") run's")
        }
        // Read plainly again, the record of the choice goes with the density.
        let plainRead = try Runs.retest(run: automatic, config: plain, source: "fixture", into: plainAgain)
        #expect(ConfigComposition.value(at: "train.after_training", in: plainRead) == nil)
        #expect(ConfigComposition.value(at: "pixel", in: plainRead) == ConfigComposition.value(at: "pixel", in: plainResult))
    }

    @Test func volumetricBackbonesAreRefused() {
        let config = RunFixtures.config(method: "synth", backbone: "cnn3d-s", extra: #", "density": "decoder""#)
        #expect(throws: MedadError("fixture: method.density: decoder is fitted on 2D pool slices; use none with volumetric backbones")) {
            try Runs.validate(config: config, source: "fixture")
        }
    }
}
