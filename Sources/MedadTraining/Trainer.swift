import Foundation
import MedadConfig
import MedadNN
import MedadSupport
import MedadTensor

/// The one training loop every method shares: AdamW with a warm-up cosine schedule, gradient
/// clipping, optional EMA weights, periodic validation with model selection, atomic checkpoints that
/// resume the same run bit for bit, a JSONL log, and a clean stop on a non-finite loss or gradient.
///
/// Update s (0-based) draws from `SeededRandom(seed: options.seed).split(s)`, so resuming needs no
/// generator state: model, EMA, optimizer state, step and best score come from checkpoints/last.*.
public final class Trainer {
    public let objective: TrainingObjective
    public let options: TrainingOptions
    public let directory: URL
    /// Recorded as `config` in every sidecar (the resolved run config).
    public let config: JSONValue
    public let manifestHash: String?

    private var optimizer: AdamW!
    private var ema: ExponentialMovingAverage?
    private var log: TrainingLog!
    private var updatesDone = 0
    private var bestStep: Int?
    private var bestScore: Double?
    private var lastMetrics: [String: Double] = [:]
    private var created = ""

    public var logURL: URL { directory.appendingPathComponent(TrainingLog.fileName) }
    /// How the last `run` call ended: {"status", "step", "what"?, "error"?, "checkpoint_step"}.
    public var statusURL: URL { directory.appendingPathComponent("status.json") }

    public init(objective: TrainingObjective, options: TrainingOptions, directory: URL, sidecar: JSONValue,
                manifestHash: String? = nil) {
        self.objective = objective
        self.options = options
        self.directory = directory
        self.config = sidecar
        self.manifestHash = manifestHash
    }

    /// Trains (resuming from checkpoints/last.* when `resume` and it exists) up to `options.steps`
    /// updates, or only up to `stopAfter` updates (status `.stopped`, checkpoint written, resumable).
    /// Errors thrown by the objective are logged as a `failed` status and rethrown.
    public func run(resume: Bool, progress: TrainingProgress = .silent, stopAfter: Int? = nil) throws -> TrainingOutcome {
        try options.validate()
        let started = Date()
        let model = objective.model
        optimizer = AdamW(model.trainableParameters(), learningRate: 0, weightDecay: options.weightDecay)
        ema = options.emaDecay.map { ExponentialMovingAverage(model: model, decay: $0) }
        updatesDone = 0
        bestStep = nil
        bestScore = nil
        lastMetrics = [:]
        created = Self.timestamp()
        let resuming = resume && FileManager.default.fileExists(atPath: TrainingCheckpoint.lastWeights(directory).path)
        if resuming {
            try restore()
        } else {
            try removeStaleCheckpoints()
        }
        log = TrainingLog(url: logURL)
        try log.open(resumingAfter: resuming ? updatesDone : nil)
        defer { log.close() }

        let end = min(options.steps, max(updatesDone, stopAfter ?? options.steps))
        let schedule = options.schedule
        let clip = options.clipNorm ?? .infinity
        let root = SeededRandom(seed: options.seed)
        progress.begin(steps: options.steps, from: updatesDone)
        while updatesDone < end {
            let step = updatesDone
            optimizer.zeroGrad()
            model.train()
            var rng = root.split(UInt64(step))
            let loss = try recordingFailure(step: step, progress: progress) { try objective.loss(step: step, rng: &rng) }
            let lossValue = loss.item()
            guard lossValue.isFinite else {
                return try stopNonFinite(step: step, what: "loss", started: started, progress: progress)
            }
            loss.backward()
            let norm = clipGradientNorm(optimizer.parameters, maxNorm: clip)
            guard norm.isFinite else {
                optimizer.zeroGrad()
                return try stopNonFinite(step: step, what: "gradient norm", started: started, progress: progress)
            }
            let rate = schedule.learningRate(at: step)
            optimizer.learningRate = rate
            optimizer.step()
            ema?.update()
            updatesDone = step + 1
            if updatesDone % options.logEvery == 0 || updatesDone == end {
                try log.append(JSONObject([("kind", .string("train")), ("step", .number(Double(step))),
                                           ("loss", .number(Double(lossValue))), ("lr", .number(Double(rate))),
                                           ("grad_norm", .number(Double(norm)))]))
            }
            progress.update(step: step, loss: lossValue)
            if updatesDone % options.validateEvery == 0 || updatesDone == options.steps {
                try validate(progress: progress)
            }
            if updatesDone % options.checkpointEvery == 0 && updatesDone < end {
                try recordingFailure(step: updatesDone, progress: progress) { try writeLast(status: "running") }
            }
        }
        optimizer.zeroGrad()
        let status: TrainingStatus = updatesDone == options.steps ? .completed : .stopped(step: updatesDone)
        try recordingFailure(step: updatesDone, progress: progress) { try writeLast(status: status.name) }
        try finish(status: status.name, step: updatesDone, extra: [], progress: progress)
        return outcome(status, started: started)
    }

    private func outcome(_ status: TrainingStatus, started: Date) -> TrainingOutcome {
        TrainingOutcome(status: status, steps: updatesDone, bestStep: bestStep, bestScore: bestScore,
                        seconds: Date().timeIntervalSince(started))
    }

    private func stopNonFinite(step: Int, what: String, started: Date, progress: TrainingProgress) throws -> TrainingOutcome {
        let status = TrainingStatus.stoppedNonFinite(step: step, what: what)
        try finish(status: status.name, step: step, extra: [("what", .string(what))], progress: progress)
        return outcome(status, started: started)
    }

    /// Runs one step of a run that can fail (a loss, a validation, a checkpoint write) so that every
    /// failure is recorded alike, as a `failed` status, before its error goes on.
    private func recordingFailure<T>(step: Int, progress: TrainingProgress, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            // The error says what went wrong; a status that cannot be written either (the same full
            // disk) must not replace it.
            try? finish(status: "failed", step: step, extra: [("error", .string("\(error)"))], progress: progress)
            throw error
        }
    }

    /// The closing log line, status.json and a progress note. The checkpoint files stay as the last
    /// good ones (a non-finite update is never applied nor saved).
    private func finish(status: String, step: Int, extra: [(String, JSONValue)], progress: TrainingProgress) throws {
        let line = JSONObject([("kind", .string("status")), ("status", .string(status)), ("step", .number(Double(step)))] + extra)
        try log.append(line)
        var record = line
        record["kind"] = nil
        record["updates_done"] = .number(Double(updatesDone))
        record["written"] = .string(Self.timestamp())
        try AtomicFile.write(JSONValue.object(record).pretty(), to: statusURL)
        let detail = extra.map { key, value in "\(key) \(value.canonical)" }.joined(separator: ", ")
        progress.note("training \(status) at step \(step)" + (detail.isEmpty ? "" : " (\(detail))"))
    }

    /// Validates the weights to judge (EMA when on) in eval mode; weights the selection rule keeps (a
    /// better score, or with `.last` any finite one) are written as checkpoints/best.*.
    private func validate(progress: TrainingProgress) throws {
        let model = objective.model
        model.eval()
        defer { model.train() }
        let judge = { () throws -> (Double, [String: Double], Bool) in
            let (score, metrics) = try self.objective.validate()
            let improved = score.isFinite && (self.options.selection == .last || self.bestScore.map { score > $0 } ?? true)
            if improved {
                self.bestScore = score
                self.bestStep = self.updatesDone
                try self.writeBest(score: score, metrics: metrics)
            }
            return (score, metrics, improved)
        }
        let (score, metrics, improved) = try recordingFailure(step: updatesDone, progress: progress) {
            try ema.map { try $0.withAveragedWeights(judge) } ?? judge()
        }
        lastMetrics = metrics
        try log.append(JSONObject([("kind", .string("validation")), ("step", .number(Double(updatesDone))),
                                   ("score", .number(score)), ("metrics", Self.json(metrics)), ("best", .bool(improved))]))
        progress.note("validation at step \(updatesDone): score \(String(format: "%.4g", score))" + (improved ? " (best)" : ""))
    }

    // MARK: checkpoints

    private func writeLast(status: String) throws {
        var tensors = Dictionary(uniqueKeysWithValues: objective.model.namedParameters())
        for (key, tensor) in ema?.checkpointTensors() ?? [:] { tensors[key] = tensor }
        for (key, tensor) in optimizer.state() { tensors[TrainingCheckpoint.optimizerPrefix + key] = tensor }
        try SafeTensors.write(SafeTensors.Content(tensors: tensors, metadata: ["step": String(updatesDone)]),
                              to: TrainingCheckpoint.lastWeights(directory))
        try AtomicFile.write(JSONValue.object(sidecar(kind: "last", status: status, metrics: lastMetrics)).pretty(),
                             to: TrainingCheckpoint.lastSidecar(directory))
    }

    /// Called with the judged weights in the model.
    private func writeBest(score: Double, metrics: [String: Double]) throws {
        try objective.model.save(to: TrainingCheckpoint.bestWeights(directory), metadata: ["step": String(updatesDone)])
        var object = sidecar(kind: "best", status: "running", metrics: metrics)
        object["score"] = .number(score)
        object["status"] = nil
        try AtomicFile.write(JSONValue.object(object).pretty(), to: TrainingCheckpoint.bestSidecar(directory))
    }

    private func sidecar(kind: String, status: String, metrics: [String: Double]) -> JSONObject {
        let best: JSONValue = bestStep.map { step in
            .object(JSONObject([("step", .number(Double(step))), ("score", .number(bestScore ?? .nan))]))
        } ?? .null
        return JSONObject([
            ("kind", .string(kind)), ("status", .string(status)),
            ("step", .number(Double(updatesDone))), ("steps", .number(Double(options.steps))),
            ("metrics", Self.json(metrics)), ("best", best),
            ("ema", .bool(ema != nil)), ("weights", .string(kind == "best" && ema != nil ? "ema" : "raw")),
            ("options", options.json), ("config", config),
            ("manifest_hash", manifestHash.map { .string($0) } ?? .null),
            ("medad_version", .string(TrainingCheckpoint.medadVersion)),
            ("created", .string(created)), ("written", .string(Self.timestamp())),
        ])
    }

    /// A fresh run in a used directory must not leave another run's best weights looking like its own.
    private func removeStaleCheckpoints() throws {
        for url in [TrainingCheckpoint.lastWeights(directory), TrainingCheckpoint.lastSidecar(directory),
                    TrainingCheckpoint.bestWeights(directory), TrainingCheckpoint.bestSidecar(directory)]
        where FileManager.default.fileExists(atPath: url.path) {
            do {
                try FileManager.default.removeItem(at: url)
            } catch {
                throw MedadError("\(url.path): cannot remove the previous run's checkpoint (\(error.localizedDescription))")
            }
        }
    }

    /// Restores model, EMA, optimizer state, step and best score from checkpoints/last.*; the run's
    /// training options must equal the checkpoint's (else it would not be the same run).
    private func restore() throws {
        let weightsURL = TrainingCheckpoint.lastWeights(directory)
        let sidecarURL = TrainingCheckpoint.lastSidecar(directory)
        let sidecar = try TrainingCheckpoint.sidecar(sidecarURL)
        if let recorded = sidecar["options"], recorded != options.json {
            throw MedadError("\(sidecarURL.path): checkpoint was trained with options \(recorded.canonical), "
                             + "this run has \(options.json.canonical); use a new run directory")
        }
        guard case .number(let step)? = sidecar["step"], step >= 0, step <= Double(options.steps), step == step.rounded() else {
            throw MedadError("\(sidecarURL.path): step must be a whole number in 0…\(options.steps)")
        }
        let parts = TrainingCheckpoint.Parts(try SafeTensors.read(weightsURL).tensors)
        do {
            try objective.model.load(parameters: parts.model)
            try optimizer.load(state: parts.optimizer)
            if let ema {
                try ema.load(parts.ema)
            } else if !parts.ema.isEmpty {
                throw MedadError("has ema.* tensors but EMA is off")
            }
        } catch let error as MedadError {
            throw MedadError("\(weightsURL.path): \(error.message)")
        }
        updatesDone = Int(step)
        if case .object(let best)? = sidecar["best"], case .number(let bestAt)? = best["step"], case .number(let score)? = best["score"] {
            bestStep = Int(bestAt)
            bestScore = score
        }
        if case .object(let metrics)? = sidecar["metrics"] {
            lastMetrics = Dictionary(uniqueKeysWithValues: metrics.pairs.compactMap { key, value in
                if case .number(let number) = value { return (key, number) }
                return nil
            })
        }
        if case .string(let first)? = sidecar["created"] { created = first }
    }

    private static func json(_ metrics: [String: Double]) -> JSONValue {
        .object(JSONObject(metrics.keys.sorted().map { ($0, .number(metrics[$0]!)) }))
    }

    private static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}
