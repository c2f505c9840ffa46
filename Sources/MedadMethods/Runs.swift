import Foundation
import MedadConfig
import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining
import MedadVolumes

/// Entry points for one run: validate a config, train it into a run directory, evaluate it, and load
/// it for inference. Run directory: config.json (resolved), manifest.json, checkpoints/, train.jsonl,
/// training.json, calibration.json, and after evaluation result.json and examples.safetensors.
public enum Runs {
    /// Validates a composed run config (extends and --set already applied); throws MedadError with path.
    public static func validate(config: JSONValue, source: String) throws {
        try check(RunConfig(config, source: source), source: source)
    }

    /// Trains one run into `directory` and calibrates its scores on the validation cases.
    /// `resume`: continue from the last checkpoint when present. `recordTwin`: a folder to record the
    /// initial weights and every batch in, for the PyTorch twin (`supervised` only; see TwinRecording).
    public static func train(config: JSONValue, source: String, directory: URL, resume: Bool,
                             progress: TrainingProgress, recordTwin: URL? = nil) throws -> TrainingOutcome {
        let run = try RunConfig(config, source: source)
        try check(run, source: source)
        if let recordTwin {
            guard run.method.method is SupervisedMethod, run.backbone.dims == 2, !resume else {
                throw MedadError("\(recordTwin.path): only a fresh 2D run of method supervised can be recorded for the twin (this one: \(run.method.name) on \(run.backbone.name)\(resume ? ", resumed" : ""))")
            }
        }
        // Before the data is built: an unusable directory should cost nothing but its error.
        try AtomicFile.createFolder(at: TrainingCheckpoint.folder(directory))
        let data = try RunData(config: run, source: source, includeTraining: true)
        try AtomicFile.write(run.resolved.pretty(), to: directory.appendingPathComponent(RunFiles.config))
        try AtomicFile.write(data.manifest.pretty(sortedKeys: true), to: directory.appendingPathComponent(RunFiles.manifest))

        let model = run.method.makeModel(run)
        var context = MethodContext(config: run,
                                    sampler: try PoolSampler(pool: data.train, size: run.data.size,
                                                             patch: run.data.dims == 3 ? run.data.patch : nil,
                                                             generators: run.data.generators),
                                    validation: ValidationSet(volumes: data.validation, config: run))
        try run.method.method.check(context, source: source)
        if let recordTwin, let supervised = run.method.method as? SupervisedMethod, let network = (model as? MapModel)?.net {
            context.recording = try TwinRecording(directory: recordTwin, run: run, diceWeight: supervised.segmentation.diceWeight,
                                                  network: network)
        }
        let sidecar = JSONValue.object(JSONObject([
            ("config", run.resolved), ("manifest_hash", .string(data.manifestHash)), ("method", .string(run.method.name)),
        ]))
        let outcome: TrainingOutcome
        let start = Date()
        run.method.method.fitUntyped(model, pool: data.train)
        if let objective = run.method.method.objective(model, context: context) {
            outcome = try Trainer(objective: objective, options: run.train.options(seed: run.seed), directory: directory,
                                  sidecar: sidecar, manifestHash: data.manifestHash).run(resume: resume, progress: progress)
        } else {
            outcome = try validateFitted(model, context: context, directory: directory, since: start)
        }
        try AtomicFile.write(RunFiles.summary(outcome).pretty(), to: directory.appendingPathComponent(RunFiles.training))
        try context.recording?.finish()
        if FileManager.default.fileExists(atPath: RunFiles.best(directory).path) {
            try TrainingCheckpoint.loadWeights(into: model, from: RunFiles.best(directory))
            if run.method.method.fitsTrained {
                let fitted = try run.method.method.fitTrainedUntyped(model, pool: data.train, validation: context.validation)
                try model.save(to: RunFiles.best(directory), metadata: try SafeTensors.read(RunFiles.best(directory)).metadata)
                try record(afterTraining: fitted, in: directory)
            }
            try calibrate(model, run: run, validation: data.validation, directory: directory)
        }
        return outcome
    }

    /// A copy of a trained run whose network takes the given weights instead, fitted (`fitTrained`) and
    /// calibrated anew, so that `evaluate` scores them exactly as it scored the run: the PyTorch twin's
    /// weights, trained on the batches `recordTwin` wrote, come back this way. Names may be the network's
    /// own (the twin's) or the run checkpoint's.
    public static func adopt(run source: URL, weights: URL, into directory: URL) throws {
        let run = try RunFiles.runConfig(in: source, missing: MedadError("\(source.path): not a run directory (no \(RunFiles.config))"))
        // Before the data is built and the folder made: a method without a network costs nothing but its error.
        let model = try mapModel(run, source: source.path)
        let data = try RunData(config: run, source: source.appendingPathComponent(RunFiles.config).path,
                               includeTraining: run.method.method.fitsTrained)
        try AtomicFile.createFolder(at: TrainingCheckpoint.folder(directory))
        for file in [RunFiles.config, RunFiles.manifest, RunFiles.training] {
            let from = source.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: from.path) else { continue }
            try AtomicFile.copy(from, to: directory.appendingPathComponent(file))
        }
        let fitted = try refit(model, run: run, trained: TrainingCheckpoint.Parts(try SafeTensors.read(weights).tensors).model,
                               from: weights, data: data, into: directory, metadata: ["adopted_from": weights.path])
        try record(afterTraining: fitted, in: directory)
    }

    /// A fresh model of `run`, which must have an encoder-decoder network to take trained weights.
    private static func mapModel(_ run: RunConfig, source: String) throws -> MapModel {
        guard let model = run.method.makeModel(run) as? MapModel else {
            throw MedadError("\(source): method \(run.method.name) has no encoder-decoder network to take weights")
        }
        return model
    }

    /// `model` (fresh, of `run`) takes `trained`, read from `weights` (a network's through
    /// `MapModel.loadTrained`), fits what the method fits on trained weights on `data`'s pool, and is
    /// saved as `directory`'s best checkpoint and calibrated on `data`'s validation cases. Returns what
    /// the fit chose (`fitTrained`).
    private static func refit(_ model: ScoringModel, run: RunConfig, trained: [String: Tensor], from weights: URL,
                              data: RunData, into directory: URL, metadata: [String: String]) throws -> JSONValue? {
        if let model = model as? MapModel {
            try model.loadTrained(trained, from: weights)
        } else {
            try TrainingCheckpoint.load(trained, into: model, from: weights)
        }
        let fitted = try run.method.method.fitTrainedUntyped(model, pool: data.train,
                                                             validation: ValidationSet(volumes: data.validation, config: run))
        try model.save(to: RunFiles.best(directory), metadata: metadata)
        try calibrate(model, run: run, validation: data.validation, directory: directory)
        return fitted
    }

    /// Sets (or, for nil, removes) `after_training` in the directory's training record, which result.json
    /// carries as `train`; an adopted run whose source kept no record gets one holding it alone.
    private static func record(afterTraining fitted: JSONValue?, in directory: URL) throws {
        let file = directory.appendingPathComponent(RunFiles.training)
        var record = JSONObject()
        if FileManager.default.fileExists(atPath: file.path) {
            guard case .object(let stored) = try JSONParser.parse(file: file) else {
                throw MedadError("\(file.path): expected a JSON object")
            }
            record = stored
        } else if fitted == nil {
            return
        }
        record["after_training"] = fitted
        try AtomicFile.write(JSONValue.object(record).pretty(), to: file)
    }

    /// A trained run scored on a larger test set, or read differently after training, without training
    /// again. `config` must train as the run did (`RunConfig.trainingPart` equal: only `name`,
    /// `method.label`, `data.phantom.test_subjects`, `train.select` and what the method fits after
    /// training, such as `method.density`, may differ), and its split must keep the run's training pool
    /// and validation cases. The run's weights (with its calibration, or fitted and calibrated anew when
    /// either config fits anything after training) and training record (its `after_training` then what
    /// this fit chose) are copied into `directory` beside the new config and manifest, which is then
    /// evaluated as any run is. `train.select: last` on a run that selected `best` takes its last
    /// checkpoint's weights instead, calibrated anew, and records their step and score as the selected
    /// ones; the other way round is refused, since a `last` run kept no best-scoring weights.
    public static func retest(run trained: URL, config: JSONValue, source: String, into directory: URL) throws -> JSONValue {
        let original = try RunFiles.runConfig(in: trained, missing: MedadError("\(trained.path): not a run directory (no \(RunFiles.config))"))
        let run = try RunConfig(config, source: source)
        if let (key, mine, theirs) = firstDifference(RunConfig.trainingPart(of: run.resolved), RunConfig.trainingPart(of: original.resolved)) {
            throw MedadError("\(source): \(key) is \(mine.canonical) here and \(theirs.canonical) in the run in \(trained.path); "
                             + "a retest may change only name, method.label, data.phantom.test_subjects, train.select and what is fitted after training")
        }
        // A method without a training loop (`intensity`) keeps its one fit under either rule.
        if run.method.isTrainable && run.train.select == .best && original.train.select == .last {
            throw MedadError("\(source): train.select is best here and last in the run in \(trained.path), which kept "
                             + "only its last weights; train it again to select the best-scoring ones")
        }
        let fromLast = run.method.isTrainable && run.train.select == .last && original.train.select == .best
        let refits = run.method.method.fitsTrained || original.method.method.fitsTrained
        let data = try RunData(config: run, source: source, includeTraining: refits)
        let stored = try JSONParser.parse(file: trained.appendingPathComponent(RunFiles.manifest))
        for part in ["train", "validation"] where ConfigComposition.value(at: part, in: stored) != ConfigComposition.value(at: part, in: data.manifest) {
            throw MedadError("\(source): its split's \(part) cases differ from those in \(trained.path)/\(RunFiles.manifest)")
        }
        let weights = fromLast ? TrainingCheckpoint.lastWeights(trained) : RunFiles.best(trained)
        let calibration = trained.appendingPathComponent(RunFiles.calibration)
        let training = trained.appendingPathComponent(RunFiles.training)
        for file in [weights, calibration, training] where !FileManager.default.fileExists(atPath: file.path) {
            throw MedadError("\(file.path): missing; the run has not finished training")
        }
        let last = fromLast ? try TrainingCheckpoint.lastValidated(trained) : nil
        try AtomicFile.createFolder(at: TrainingCheckpoint.folder(directory))
        var fitted: JSONValue? = nil
        if refits || fromLast {
            let model: ScoringModel = refits ? try mapModel(run, source: source) : run.method.makeModel(run)
            let tensors = try last?.tensors ?? TrainingCheckpoint.Parts(SafeTensors.read(weights).tensors).model
            fitted = try refit(model, run: run, trained: tensors, from: weights, data: data, into: directory,
                               metadata: ["retested_from": weights.path])
        } else {
            try AtomicFile.copy(weights, to: RunFiles.best(directory))
            try AtomicFile.copy(calibration, to: directory.appendingPathComponent(RunFiles.calibration))
        }
        // The training record says where the weights were trained, and result.json carries it as `train`.
        guard case .object(var record) = try JSONParser.parse(file: training) else {
            throw MedadError("\(training.path): expected a JSON object")
        }
        record["trained_in"] = .string(trained.path)
        if refits { record["after_training"] = fitted }
        if let last {
            record["best_step"] = .number(Double(last.step))
            record["best_score"] = .number(last.score)
        }
        try AtomicFile.write(JSONValue.object(record).pretty(), to: directory.appendingPathComponent(RunFiles.training))
        try AtomicFile.write(run.resolved.pretty(), to: directory.appendingPathComponent(RunFiles.config))
        try AtomicFile.write(data.manifest.pretty(sortedKeys: true), to: directory.appendingPathComponent(RunFiles.manifest))
        return try evaluate(run: directory)
    }

    /// The dotted path of the first key (in sorted order) where two config documents differ, with both
    /// values (null where a key is missing); nil when they are equal.
    private static func firstDifference(_ a: JSONValue, _ b: JSONValue, path: String = "") -> (String, JSONValue, JSONValue)? {
        if case .object(let x) = a, case .object(let y) = b {
            for key in Set(x.keys).union(y.keys).sorted() {
                if let inner = firstDifference(x[key] ?? .null, y[key] ?? .null, path: path.isEmpty ? key : path + "." + key) { return inner }
            }
            return nil
        }
        return a == b ? nil : (path, a, b)
    }

    /// Writes calibration.json from the model's scores on the normal validation cases.
    private static func calibrate(_ model: ScoringModel, run: RunConfig, validation: [EvaluationVolume],
                                  directory: URL) throws {
        let inference = RawInference(model: model, config: run)
        var maps: [[Float]] = [], scores: [Double] = []
        for volume in validation where volume.label == 0 {
            let raw = try inference.predict(volume.image)
            // Calibrate on the voxels that are scored: with eval.postprocess.mask the background is
            // zeroed later, and its scores (far from any brain intensity for `intensity` with
            // `reference: global`) would otherwise set the normal median and clamp the brain to 0.
            let brain = run.eval.postprocess.mask ? Preprocess.selected(raw.map, by: volume.brain) : []
            maps.append(brain.isEmpty ? raw.map.voxels : brain)
            scores.append(raw.score)
        }
        let calibration = try Calibration(normalMaps: maps, normalScores: scores)
        try AtomicFile.write(calibration.json.pretty(), to: directory.appendingPathComponent(RunFiles.calibration))
    }

    /// Evaluates a trained run on its split's test set; writes directory/result.json atomically and
    /// returns its JSON value. With `versus` (a run on the same data manifest), result.json also holds
    /// paired tests against that reference run.
    public static func evaluate(run directory: URL, versus reference: URL? = nil) throws -> JSONValue {
        try RunEvaluation(directory: directory, versus: reference).run()
    }

    /// Linear probes of a trained 2D map run's layers on its anomalous test cases, of anomaly `type` only
    /// when given (`FeatureProbe`): the encoder's pyramid, the decoder's stages, and last the run's own
    /// scores, unfitted.
    public static func probe(run directory: URL, type: String? = nil) throws -> [ProbeLevel] {
        try FeatureProbe(directory: directory, type: type).run()
    }

    /// A trained run (run directory or its best checkpoint file) ready for inference on whole volumes.
    public static func predictor(for path: URL) throws -> VolumePredictor {
        let directory = path.pathExtension == "safetensors" ? path.deletingLastPathComponent().deletingLastPathComponent() : path
        let run = try RunFiles.runConfig(
            in: directory, missing: MedadError("\(path.path): not a run directory or checkpoint of one (no \(RunFiles.config))"))
        let model = run.method.makeModel(run)
        let weights = path.pathExtension == "safetensors" ? path : RunFiles.best(directory)
        guard FileManager.default.fileExists(atPath: weights.path) else {
            throw MedadError("\(weights.path): no checkpoint (the run has not trained, or stopped before its first validation)")
        }
        try TrainingCheckpoint.loadWeights(into: model, from: weights)
        let calibrationURL = directory.appendingPathComponent(RunFiles.calibration)
        guard FileManager.default.fileExists(atPath: calibrationURL.path) else {
            throw MedadError("\(directory.path): the run has no \(RunFiles.calibration) (training did not finish)")
        }
        let calibration = try Calibration(json: JSONParser.parse(file: calibrationURL), source: calibrationURL.path)
        return VolumePredictor(model: model, config: run, calibration: calibration)
    }

    /// A method without trainable weights (`intensity`), fitted in one pass since `start`: validates its
    /// statistics once and writes them as the best and last checkpoint, in place of the loop (which
    /// needs steps ≥ 1).
    private static func validateFitted(_ model: ScoringModel, context: MethodContext, directory: URL,
                                       since start: Date) throws -> TrainingOutcome {
        let validation = try context.validation.evaluate(model)
        let metadata = ["method": context.config.method.name, "val_score": String(validation.score)]
        try model.save(to: RunFiles.best(directory), metadata: metadata)
        try model.save(to: TrainingCheckpoint.lastWeights(directory), metadata: metadata)
        return TrainingOutcome(status: .completed, steps: 0, bestStep: 0, bestScore: validation.score,
                               seconds: Date().timeIntervalSince(start))
    }

    /// Checks beyond types and keys: what a method needs from the data.
    static func check(_ run: RunConfig, source: String) throws {
        if run.backbone.dims == 3, let reason = type(of: run.method.method).planarOnly {
            throw MedadError("\(source): backbone: \(run.backbone.name) is volumetric, and method \(run.method.name) trains 2D backbones only: \(reason)")
        }
        if run.method.method.trainsOnSynthetic && run.data.generators.isEmpty {
            throw MedadError("\(source): data.generators: method \(run.method.name) trains on synthetic anomalies; list at least one generator")
        }
        try run.method.method.check(run, source: source)
    }
}

extension TrainConfig {
    func options(seed: UInt64) -> TrainingOptions {
        TrainingOptions(steps: steps, batch: batch, learningRate: Float(lr), weightDecay: Float(weightDecay),
                        warmupSteps: min(warmup, steps), clipNorm: clip.map(Float.init), emaDecay: ema.map(Float.init),
                        validateEvery: valEvery, checkpointEvery: checkpointEvery, logEvery: 1, seed: seed, selection: select)
    }
}
