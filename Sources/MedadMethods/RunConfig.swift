import Foundation
import MedadAnomalies
import MedadConfig
import MedadMetrics
import MedadSupport
import MedadTraining
import MedadZoo

/// One run, read from its JSON document with every default filled in (README "Run configs").
/// Unknown keys and wrong types are `MedadError`s naming the JSON path.
public struct RunConfig {
    public var name: String
    public var seed: UInt64
    public var backbone: Backbone
    public var mambaScan: MambaScan
    public var backboneOptions: BackboneOptions { BackboneOptions(mambaScan: mambaScan) }
    public var data: DataConfig
    public var method: MethodConfig
    public var train: TrainConfig
    public var eval: EvalConfig

    public init(_ document: JSONValue, source: String) throws {
        let root = try ConfigReader(document, source: source)
        name = try root.string("name", default: "run")
        seed = UInt64(try root.int("seed", default: 0, range: 0...Int(Int32.max)))
        backbone = try Backbone(named: root.string("backbone", default: "cnn-s", allowed: Backbone.names))
        mambaScan = try MambaScan(rawValue: root.string("mamba_scan", default: backbone.defaults.mambaScan.rawValue, allowed: MambaScan.allCases.map(\.rawValue)))!
        data = try DataConfig(root.section("data"), dims: backbone.dims)
        method = try MethodConfig(root.section("method"))
        train = try TrainConfig(root.section("train"), method: method)
        eval = try EvalConfig(root.section("eval"), axis: data.axis, dims: backbone.dims)
        if root.has("sweep") || root.has("extends") {
            _ = root.raw("sweep"); _ = root.raw("extends")
            throw root.fail("sweep", "a run config holds one run; run experiment files with `medad sweep run`, or train one cell with `medad train --config`")
        }
        try root.finish()
        for (key, side) in [("data.size", data.size), ("data.patch", data.patch)] where side % Backbone.imageMultiple != 0 {
            throw root.fail(key, "\(side) must be a multiple of \(Backbone.imageMultiple): every backbone's deepest features are 8 times smaller")
        }
        if backbone.dims == 3 && data.patch > data.size {
            throw root.fail("data.patch", "\(data.patch) is larger than data.size \(data.size); patches are cut from volumes resampled to data.size³")
        }
        do { try backbone.check(backboneOptions) } catch let error as MedadError { throw root.fail("mamba_scan", error.message) }
    }

    /// How a volumetric run scores a whole data.size³ volume; nil for 2D runs, which score slices.
    var slidingWindow: SlidingWindow? {
        data.dims == 3 ? SlidingWindow(side: data.size, patch: data.patch, batch: eval.patchBatch) : nil
    }

    /// What a config trains, as a string: its resolved document without the keys that change only which
    /// test cases a run is scored on, what it is called, which of its checkpoints it keeps, or what is
    /// fitted on its trained network (`trainingPart`). Equal identities train the same weights on the
    /// same data, however each config spells its defaults.
    public static func trainingIdentity(of config: JSONValue, source: String) throws -> String {
        trainingPart(of: try RunConfig(config, source: source).resolved).canonical
    }

    /// A resolved config without `name`, `method.label`, the method's `afterTrainingKeys`,
    /// `train.select` and `data.phantom.test_subjects`. (`eval` stays: validation follows its axis and
    /// post-processing.)
    static func trainingPart(of config: JSONValue) -> JSONValue {
        guard case .object(var document) = config else { return config }
        document["name"] = nil
        if case .object(var train)? = document["train"] {
            train["select"] = nil
            document["train"] = .object(train)
        }
        if case .object(var method)? = document["method"] {
            var keys: [String] = []
            if case .string(let name)? = method["name"] { keys = MethodRegistry.method(named: name)?.afterTrainingKeys ?? [] }
            for key in ["label"] + keys { method[key] = nil }
            document["method"] = .object(method)
        }
        if case .object(var data)? = document["data"], case .object(var phantom)? = data["phantom"] {
            phantom["test_subjects"] = nil
            data["phantom"] = .object(phantom)
            document["data"] = .object(data)
        }
        return .object(document)
    }

    /// The resolved document: every key with the value this run uses.
    public var resolved: JSONValue {
        .object(JSONObject([
            ("name", .string(name)), ("seed", .number(Double(seed))), ("backbone", .string(backbone.name)),
            ("mamba_scan", .string(mambaScan.rawValue)), ("data", data.json), ("method", method.json),
            ("train", train.json), ("eval", eval.json),
        ]))
    }
}

/// `data`: where the slices (or volumes) come from and the open-set semi-supervised protocol.
public struct DataConfig {
    public enum Source: String, CaseIterable { case phantom, folders }
    public var source: Source
    /// Model grid side: every slice is resampled to size × size; with a volumetric backbone every
    /// volume is resampled to size³ instead.
    public var size: Int
    /// Volumetric backbones train on random patch³ crops of the size³ volumes and predict by a
    /// Gaussian-weighted sliding window of patch³ tiles; 2D backbones ignore it.
    public var patch: Int
    /// The backbone's spatial dimensions (2: slices, 3: volumes); not a key.
    public let dims: Int
    public var axis: Int
    public var labelRatio: Double
    public var contamination: Double
    public var seen: [AnomalyType]
    public var unseen: [AnomalyType]
    public var generators: [AnomalyType]
    public var masks: Bool
    public var subjects: Int
    /// Phantom subjects past `subjects` that join the test split only (`SplitManifest.make`'s `heldOutTest`):
    /// a larger test set that leaves training, validation and the split's own test cases as they were.
    public var testSubjects: Int
    public var volumeSize: Int
    /// Share of a slice's voxels that must be tissue for the slice to be used in training.
    public var minForeground: Double
    /// How volumes are scaled to the model's range, in training and at prediction.
    public var preset: IntensityPreset
    public var folders: FolderSource?

    init(_ r: ConfigReader, dims: Int) throws {
        self.dims = dims
        source = Source(rawValue: try r.string("source", default: "phantom", allowed: Source.allCases.map(\.rawValue)))!
        size = try r.int("size", default: 32, range: 8...512)
        patch = try r.int("patch", default: min(size, 64), range: 8...512)
        axis = try r.int("axis", default: 2, range: 0...2)
        labelRatio = try r.double("label_ratio", default: 0, range: 0...1)
        contamination = try r.double("contamination", default: 0.1, range: 0...1)
        let names = AnomalyType.allCases.map(\.rawValue)
        seen = try r.stringList("seen", default: ["sphere", "noise", "blur"], allowed: names).map { AnomalyType(rawValue: $0)! }
        unseen = try r.stringList("unseen", default: ["sink_source", "pii"], allowed: names).map { AnomalyType(rawValue: $0)! }
        generators = try r.stringList("generators", default: ["fpi", "cutpaste"], allowed: names).map { AnomalyType(rawValue: $0)! }
        if let both = seen.first(where: unseen.contains) {
            throw r.fail("unseen", "'\(both.rawValue)' is also in data.seen; seen and unseen types must be disjoint")
        }
        if let leak = generators.first(where: unseen.contains) {
            throw r.fail("generators", "'\(leak.rawValue)' is an unseen test type; training generators must not produce it")
        }
        masks = try r.bool("masks", default: true)
        minForeground = try r.double("min_foreground", default: 0.05, range: 0...1)
        preset = IntensityPreset(rawValue: try r.string("preset", default: "mri", allowed: IntensityPreset.allCases.map(\.rawValue)))!
        let phantom = try r.section("phantom")
        subjects = try phantom.int("subjects", default: 24, range: 6...2000)
        volumeSize = try phantom.int("volume_size", default: 32, range: 8...256)
        testSubjects = try phantom.int("test_subjects", default: 0, range: 0...2000)
        try phantom.finish()
        if r.has("folders") {
            folders = try FolderSource(r.section("folders"))
        }
        try r.finish()
        if source == .folders && folders == nil {
            throw r.fail("folders", "missing; data.source \"folders\" needs data.folders with train, val and test")
        }
        if source == .folders && testSubjects > 0 {
            throw r.fail("phantom.test_subjects", "held-out subjects are drawn from the phantom generator; data.source \"folders\" scores its test folder")
        }
        if source == .phantom && preset != .mriPercentile {
            throw r.fail("preset", "phantoms are MRI-like; \"\(preset.rawValue)\" needs data.source \"folders\" with CT volumes in HU")
        }
        if source == .phantom && seen.isEmpty && contamination > 0 {
            throw r.fail("seen", "contamination \(contamination) needs at least one seen anomaly type")
        }
    }

    var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("source", .string(source.rawValue)), ("size", .number(Double(size))), ("axis", .number(Double(axis))),
            ("label_ratio", .number(labelRatio)), ("contamination", .number(contamination)),
            ("seen", .array(seen.map { .string($0.rawValue) })), ("unseen", .array(unseen.map { .string($0.rawValue) })),
            ("generators", .array(generators.map { .string($0.rawValue) })), ("masks", .bool(masks)),
            ("min_foreground", .number(minForeground)), ("preset", .string(preset.rawValue)),
            ("phantom", .object(JSONObject([("subjects", .number(Double(subjects))), ("volume_size", .number(Double(volumeSize)))]
                                           // Shown only when set, so runs without it keep their resolved configs.
                                           + (testSubjects > 0 ? [("test_subjects", .number(Double(testSubjects)))] : [])))),
        ]
        if let folders { pairs.append(("folders", folders.json)) }
        // 2D runs ignore the patch; leaving it out keeps their resolved configs as they were.
        if dims == 3 { pairs.insert(("patch", .number(Double(patch))), at: 2) }
        return .object(JSONObject(pairs))
    }
}

/// `data.folders`: real data. `train` is a folder of volumes (the unlabelled pool); `labelled`, `val`
/// and `test` are folders in the MOOD toy layout. `{"folds": DIR, "fold": k}` is the same with the four
/// folders of `DIR/fold-<k>/`, as `medad data folds` writes them (so a sweep can run `data.folders.fold`).
public struct FolderSource {
    public var train: String
    public var labelled: String?
    public var val: String
    public var test: String
    /// The `folds` form, when the config used it.
    public var folds: (root: String, fold: Int)?

    init(_ r: ConfigReader) throws {
        if r.has("folds") || r.has("fold") {
            let root = try r.string("folds"), fold = try r.int("fold", range: 0...999)
            let base = root + "/fold-\(fold)/"
            (train, labelled, val, test) = (base + "train", base + "labelled", base + "val", base + "test")
            folds = (root, fold)
        } else {
            train = try r.string("train")
            labelled = r.has("labelled") ? try r.string("labelled") : nil
            val = try r.string("val")
            test = try r.string("test")
        }
        try r.finish()
    }

    var json: JSONValue {
        if let folds { return .object(JSONObject([("folds", .string(folds.root)), ("fold", .number(Double(folds.fold)))])) }
        var pairs: [(String, JSONValue)] = [("train", .string(train))]
        if let labelled { pairs.append(("labelled", .string(labelled))) }
        pairs += [("val", .string(val)), ("test", .string(test))]
        return .object(JSONObject(pairs))
    }
}

/// `train`: the shared loop's budget and optimiser.
public struct TrainConfig {
    public var steps: Int
    public var batch: Int
    public var lr: Double
    public var weightDecay: Double
    public var warmup: Int
    public var clip: Double?
    public var ema: Double?
    public var valEvery: Int
    public var checkpointEvery: Int
    public var select: ModelSelection

    init(_ r: ConfigReader, method: MethodConfig) throws {
        let trainable = method.isTrainable
        steps = try r.int("steps", default: trainable ? 200 : 0, range: 0...10_000_000)
        batch = try r.int("batch", default: 8, range: 1...4096)
        lr = try r.double("lr", default: method.defaultLearningRate, range: 0...10)
        weightDecay = try r.double("weight_decay", default: 1e-4, range: 0...10)
        warmup = try r.int("warmup", default: 10, range: 0...10_000_000)
        // null turns clipping off; EMA is off unless given.
        clip = r.has("clip") && r.raw("clip") == nil ? nil : try r.double("clip", default: 1.0, range: 0...1e9)
        ema = r.raw("ema") == nil ? nil : try r.double("ema", range: 0...0.99999)
        valEvery = try r.int("val_every", default: 50, range: 1...10_000_000)
        checkpointEvery = try r.int("checkpoint_every", default: 100, range: 1...10_000_000)
        select = ModelSelection(rawValue: try r.string("select", default: ModelSelection.best.rawValue,
                                                       allowed: ModelSelection.allCases.map(\.rawValue)))!
        try r.finish()
        if trainable && steps == 0 { throw r.fail("steps", "must be at least 1 for a trainable method") }
        // The trainer refuses a zero rate too, but only after the data is built and without the key's name.
        if lr == 0 { throw r.fail("lr", "0 is out of range; expected a number above 0, at most 10") }
    }

    var json: JSONValue {
        var object = JSONObject([
            ("steps", .number(Double(steps))), ("batch", .number(Double(batch))), ("lr", .number(lr)),
            ("weight_decay", .number(weightDecay)), ("warmup", .number(Double(warmup))),
            ("clip", clip.map { .number($0) } ?? .null), ("ema", ema.map { .number($0) } ?? .null),
            ("val_every", .number(Double(valEvery))), ("checkpoint_every", .number(Double(checkpointEvery))),
        ])
        // As data.phantom.test_subjects: shown only when set, so the resolved configs of earlier runs stay as they were.
        if select != .best { object["select"] = .string(select.rawValue) }
        return .object(object)
    }
}

/// `eval`: slice-wise inference, post-processing of the voxel maps and the metric suite's bootstrap.
public struct EvalConfig {
    public enum VolumeScore: String, CaseIterable { case max, topQuantile = "top_quantile", head }
    /// 0, 1, 2, or nil for all three axes averaged.
    public var axis: Int?
    public var volumeScore: VolumeScore
    public var quantile: Double
    public var bootstrap: Int
    public var batch: Int
    /// Sliding-window tiles per forward pass, for volumetric backbones.
    public var patchBatch: Int
    public var examples: Int
    public var postprocess: PostprocessConfig
    let dims: Int

    init(_ r: ConfigReader, axis dataAxis: Int, dims: Int) throws {
        self.dims = dims
        switch r.raw("axis") {
        case nil: axis = dataAxis
        case .string("all")?: axis = nil
        default: axis = try r.int("axis", range: 0...2)
        }
        volumeScore = VolumeScore(rawValue: try r.string("volume_score", default: "top_quantile",
                                                          allowed: VolumeScore.allCases.map(\.rawValue)))!
        quantile = try r.double("quantile", default: 0.99, range: 0...1)
        bootstrap = try r.int("bootstrap", default: 200, range: Bootstrap.allowedResamples)
        batch = try r.int("batch", default: 16, range: 1...4096)
        patchBatch = try r.int("patch_batch", default: 2, range: 1...256)
        examples = try r.int("examples", default: 4, range: 0...64)
        postprocess = try PostprocessConfig(r.section("postprocess"))
        try r.finish()
    }

    var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("axis", axis.map { .number(Double($0)) } ?? .string("all")), ("volume_score", .string(volumeScore.rawValue)),
            ("quantile", .number(quantile)), ("bootstrap", .number(Double(bootstrap))), ("batch", .number(Double(batch))),
            ("examples", .number(Double(examples))), ("postprocess", postprocess.json),
        ]
        // As data.patch: only volumetric runs show it, so 2D runs' resolved configs stay as they were.
        if dims == 3 { pairs.insert(("patch_batch", .number(Double(patchBatch))), at: 5) }
        return .object(JSONObject(pairs))
    }
}

/// `eval.postprocess`: what `Postprocessing` does to every calibrated voxel map before the metrics and
/// in prediction; all off by default.
public struct PostprocessConfig: Equatable, Sendable {
    /// Zero the scores outside the case's brain mask (in prediction: the estimated head mask).
    public var mask = false
    /// Side of the median filter (odd, ≥ 3), or 0 for none.
    public var median = 0
    /// Components of the thresholded map smaller than this many voxels lose their scores (0: none).
    public var minComponent = 0

    public init(mask: Bool = false, median: Int = 0, minComponent: Int = 0) {
        self.mask = mask
        self.median = median
        self.minComponent = minComponent
    }

    init(_ r: ConfigReader) throws {
        mask = try r.bool("mask", default: mask)
        median = try r.int("median", default: median, range: 0...31)
        if median != 0 && (median < 3 || median % 2 == 0) {
            throw r.fail("median", "\(median) is not an odd size of at least 3 (or 0 for no median filter)")
        }
        minComponent = try r.int("min_component", default: minComponent, range: 0...Int(Int32.max))
        try r.finish()
    }

    var json: JSONValue {
        .object(JSONObject([
            ("mask", .bool(mask)), ("median", .number(Double(median))), ("min_component", .number(Double(minComponent))),
        ]))
    }
}
