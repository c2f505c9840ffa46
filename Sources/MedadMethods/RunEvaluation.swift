import Foundation
import MedadConfig
import MedadMetrics
import MedadNN
import MedadSupport
import MedadTensor
import MedadVolumes

/// `Runs.evaluate`: predicts every test case of the run's split (one volume in memory at a time),
/// scores it with the metric suite at sample and voxel level, overall, for seen and unseen anomaly
/// types and per type, and writes result.json (schema 1, README "Run configs") and examples.safetensors.
///
/// With `versus`, a reference run whose manifest lists the same test cases is scored on them and
/// result.json gains `versus`: paired tests of this run against it, overall and per type (sample:
/// DeLong's test of the AUROCs and a permutation test of the AP; pixel: a permutation test of the
/// pooled voxel AP), with `eval.bootstrap` resamples.
struct RunEvaluation {
    let directory: URL
    var versus: URL?

    /// One scored test case.
    private struct Scored {
        var name: String
        var label: Int
        var type: String?
        var seen: Bool?
        var score: Double
        var pixel: PixelCaseSummary
    }

    func run() throws -> JSONValue {
        let configURL = directory.appendingPathComponent(RunFiles.config)
        let run = try RunConfig(JSONParser.parse(file: configURL), source: configURL.path)
        let data = try RunData(config: run, source: configURL.path, includeTraining: false)
        let stored = try JSONParser.parse(file: directory.appendingPathComponent(RunFiles.manifest))
        guard stored.canonical == data.manifest.canonical else {
            throw MedadError("\(directory.path): the data no longer match the run's manifest.json (regenerated split differs)")
        }
        let predictor = try Runs.predictor(for: directory)
        let reference = try versus.map { try Self.reference($0, manifest: stored) }
        let start = Date()
        var examples: [String: Tensor] = [:]
        let cases = try Self.score(data, predictor) { item, map in
            if item.label == 1 && examples.count / 3 < run.eval.examples {
                Self.addExample(item, map: map, axis: run.eval.axis ?? run.data.axis, into: &examples)
            }
        }
        let evalSeconds = Date().timeIntervalSince(start)
        let bootstrap = Bootstrap(resamples: run.eval.bootstrap, seed: run.seed)
        if !examples.isEmpty {
            try SafeTensors.write(SafeTensors.Content(tensors: examples), to: directory.appendingPathComponent(RunFiles.examples))
        }

        let normals = cases.filter { $0.label == 0 }
        func block(_ anomalous: [Scored]) throws -> JSONValue {
            let subset = normals + anomalous
            return .object(JSONObject([("sample", try Self.sample(subset, bootstrap)), ("pixel", Self.pixel(subset, bootstrap))]))
        }
        var perType: [(String, JSONValue)] = []
        for type in Set(cases.compactMap(\.type)).sorted() {
            let ofType = cases.filter { $0.type == type }
            guard case .object(var object) = try block(ofType) else { continue }
            object["seen"] = ofType.first?.seen.map(JSONValue.bool) ?? .null
            object["cases"] = .number(Double(ofType.count))
            perType.append((type, .object(object)))
        }
        let training = try? JSONParser.parse(file: directory.appendingPathComponent(RunFiles.training))
        let trainable = predictor.inference.model.trainableParameters().reduce(0) { $0 + $1.tensor.count }
        var result = JSONObject([
            ("schema", .number(1)), ("name", .string(run.name)), ("backbone", .string(run.backbone.name)),
            ("method", .string(run.method.label)), ("label_ratio", .number(run.data.labelRatio)),
            ("seed", .number(Double(run.seed))), ("uses_labels", .bool(run.method.usesLabels)),
            ("config", run.resolved), ("manifest_hash", .string(data.manifestHash)),
            ("parameters", .number(Double(trainable))),
            ("train", training ?? .null), ("eval_seconds", .number(evalSeconds)),
            ("sample", try Self.sample(cases, bootstrap)), ("pixel", Self.pixel(cases, bootstrap)),
        ])
        let hasTypes = cases.contains { $0.seen != nil }
        result["seen"] = hasTypes ? try block(cases.filter { $0.seen == true }) : .null
        result["unseen"] = hasTypes ? try block(cases.filter { $0.seen == false }) : .null
        result["per_type"] = .object(JSONObject(perType))
        result["cases"] = .array(cases.map { item in
            .object(JSONObject([
                ("name", .string(item.name)), ("label", .number(Double(item.label))), ("type", item.type.map(JSONValue.string) ?? .null),
                ("seen", item.seen.map(JSONValue.bool) ?? .null), ("score", .number(item.score)),
                ("pixel_ap", item.label == 1 ? Self.number(item.pixel.counts.averagePrecision) : .null),
            ]))
        })
        result["examples"] = examples.isEmpty ? .null : .string(RunFiles.examples)
        if let reference, let versus {
            let theirs = try Self.score(data, reference) { _, _ in }
            result["versus"] = try Self.comparison(cases, theirs, reference: versus.path,
                                                   method: reference.inference.config.method.label,
                                                   resamples: run.eval.bootstrap, seed: run.seed)
        }
        for (key, identity) in Self.testSet(data) { result[key] = identity }
        try PixelHistogram(summaries: cases.map(\.pixel)).write(to: directory.appendingPathComponent(PixelHistogram.fileName))
        let value = JSONValue.object(result)
        try AtomicFile.write(value.pretty(), to: directory.appendingPathComponent(RunFiles.result))
        return value
    }

    /// Predicts and summarises every test case; `visit` sees each case with its calibrated map.
    private static func score(_ data: RunData, _ predictor: VolumePredictor,
                              visit: (EvaluationVolume, [Float]) -> Void) throws -> [Scored] {
        try data.testNames.indices.map { index in
            let item = try data.testCase(index)
            let raw = try predictor.inference.predict(item.image)
            let map = try predictor.voxelMap(raw.map, brain: item.brain).voxels
            let summary = try PixelCaseSummary(name: item.name, prediction: map,
                                               label: ScoreVolume(dims: item.mask.dims, voxels: item.mask.voxels))
            visit(item, map)
            return Scored(name: item.name, label: item.label, type: item.type?.rawValue, seen: item.seen,
                          score: predictor.calibration.volume(raw.score), pixel: summary)
        }
    }

    /// The reference run's predictor, once its manifest is known to be this run's.
    private static func reference(_ other: URL, manifest: JSONValue) throws -> VolumePredictor {
        let manifestURL = other.appendingPathComponent(RunFiles.manifest)
        guard FileManager.default.fileExists(atPath: manifestURL.path) else {
            throw MedadError("--versus \(other.path): not a run directory (no \(RunFiles.manifest))")
        }
        // Paired tests need the same test cases, not the same training data: a run at another label
        // ratio (or another method's pool) is a valid reference.
        guard ConfigComposition.value(at: "test", in: try JSONParser.parse(file: manifestURL))?.canonical
                == ConfigComposition.value(at: "test", in: manifest)?.canonical else {
            throw MedadError("--versus \(other.path): scored on other test cases; paired tests need the same test cases")
        }
        return try Runs.predictor(for: other)
    }

    /// Paired tests of `ours` against `theirs` (the same cases in the same order), overall and per type.
    private static func comparison(_ ours: [Scored], _ theirs: [Scored], reference: String, method: String,
                                   resamples: Int, seed: UInt64) throws -> JSONValue {
        func tests(_ keep: (Scored) -> Bool) throws -> JSONValue {
            let indices = ours.indices.filter { keep(ours[$0]) }
            let a = indices.map { ours[$0] }, b = indices.map { theirs[$0] }
            let sample = try MOODComparison.sample(scoresA: a.map(\.score), scoresB: b.map(\.score), labels: a.map { $0.label == 1 },
                                                   names: a.map(\.name), resamples: resamples, seed: seed)
            let pixel = MOODComparison.pixel(a.map(\.pixel), versus: b.map(\.pixel), threshold: nil, resamples: resamples, seed: seed)
                .filter { $0.name.hasPrefix("ap_") }
            func object(_ entries: [(name: String, value: MetricValue)]) -> JSONValue {
                var object = JSONObject(entries.map { ($0.name, number($0.value)) })
                object["undefined"] = .object(JSONObject(entries.compactMap { entry in
                    entry.value.undefinedReason.map { (entry.name, JSONValue.string($0)) }
                }))
                return .object(object)
            }
            return .object(JSONObject([("sample", object(sample)), ("pixel", object(pixel))]))
        }
        var perType: [(String, JSONValue)] = []
        for type in Set(ours.compactMap(\.type)).sorted() {
            perType.append((type, try tests { $0.label == 0 || $0.type == type }))
        }
        return .object(JSONObject([
            ("run", .string(reference)), ("method", .string(method)), ("resamples", .number(Double(resamples))),
            ("overall", try tests { _ in true }), ("per_type", .object(JSONObject(perType))),
        ]))
    }

    /// `test_set` (a hash of the manifest's test list) and `test_name`: a report tells the replicates of a
    /// leave-one-volume-out sweep (same seed, other test volume) apart by them and names its columns.
    private static func testSet(_ data: RunData) -> [(String, JSONValue)] {
        let test = ConfigComposition.value(at: "test", in: data.manifest) ?? .null
        let name = switch data.config.data.source {
        case .phantom: "phantom"
        // RunData has read the folders, so they are there; fold-<k>/test names the fold.
        case .folders: URL(fileURLWithPath: data.config.data.folders!.test).deletingLastPathComponent().lastPathComponent
        }
        return [("test_set", .string(String(StableHash.hex(test.canonical).prefix(8)))), ("test_name", .string(name))]
    }

    private static func number(_ value: MetricValue) -> JSONValue { value.number.map(JSONValue.number) ?? .null }

    /// Metrics as `medad score --json` writes them: values (null when undefined), `ci` and `undefined`.
    private static func metricsJSON(_ metrics: [(name: String, value: MetricValue)], _ intervals: [String: ConfidenceInterval],
                                    cases: Int, anomalous: Int) -> JSONValue {
        var object = JSONObject([("cases", .number(Double(cases))), ("anomalous_cases", .number(Double(anomalous)))])
        var undefined = JSONObject(), ci = JSONObject()
        for (name, value) in metrics {
            object[name] = number(value)
            if let reason = value.undefinedReason { undefined[name] = .string(reason) }
        }
        for name in intervals.keys.sorted() {
            switch intervals[name]! {
            case .interval(let low, let high): ci[name] = .array([.number(low), .number(high)])
            case .undefined(let reason): ci[name] = .null; undefined["ci." + name] = .string(reason)
            }
        }
        object["ci"] = .object(ci)
        object["undefined"] = .object(undefined)
        return .object(object)
    }

    private static func sample(_ cases: [Scored], _ bootstrap: Bootstrap) throws -> JSONValue {
        let labels = cases.map { $0.label == 1 }
        let ranked = try RankedScores(scores: cases.map(\.score), labels: labels, caseNames: cases.map(\.name))
        let metrics = MOODSampleScoring.sampleMetrics(ranked.counts())
        let intervals = bootstrap.intervals(strata: labels.map { $0 ? 1 : 0 }) { multiplicity in
            Dictionary(uniqueKeysWithValues: MOODSampleScoring.sampleMetrics(ranked.counts(multiplicity: multiplicity))
                .filter { !MOODScoreReport.thresholdNames.contains($0.name) }.map { ($0.name, $0.value) })
        }
        return metricsJSON(metrics, intervals, cases: cases.count, anomalous: labels.filter { $0 }.count)
    }

    private static func pixel(_ cases: [Scored], _ bootstrap: Bootstrap) -> JSONValue {
        let report = MOODPixelScoring.score(summaries: cases.map(\.pixel), options: MOODScoringOptions(bootstrap: bootstrap))
        return metricsJSON(report.metrics, report.intervals, cases: report.cases, anomalous: report.anomalousCases)
    }

    /// The slice through the anomaly's largest cross-section: image, mask and calibrated map [H, W].
    private static func addExample(_ item: EvaluationVolume, map: [Float], axis: Int, into examples: inout [String: Tensor]) {
        var counts = [Int](repeating: 0, count: item.mask.dims[axis])
        for z in 0..<item.mask.dims[2] { for y in 0..<item.mask.dims[1] { for x in 0..<item.mask.dims[0] {
            if item.mask.voxels[item.mask.index(x, y, z)] > 0.5 { counts[[x, y, z][axis]] += 1 }
        } } }
        let index = counts.indices.max { counts[$0] < counts[$1] } ?? 0
        let mapVolume = Volume(dims: item.image.dims, spacing: item.image.spacing, voxels: map)
        for (key, volume) in [("image", item.image), ("mask", item.mask), ("map", mapVolume)] {
            let slice = Slicing.slice(volume, axis: axis, index: index)
            examples["\(key).\(item.name)"] = Tensor(shape: [slice.dims[1], slice.dims[0]], values: slice.voxels)
        }
    }
}
