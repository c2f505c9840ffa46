import MedadConfig
import MedadNN
import MedadSupport

/// The hyper-parameters of the shared training loop. Steps count optimizer updates.
public struct TrainingOptions: Equatable {
    public var steps: Int
    /// Informational (the objective draws its own batches); recorded in the sidecar.
    public var batch: Int
    /// Peak learning rate of the cosine schedule.
    public var learningRate: Float
    /// AdamW's decoupled weight decay (biases, norms and flagged parameters are exempt).
    public var weightDecay: Float
    /// Linear warm-up updates before the cosine decay.
    public var warmupSteps: Int
    /// The learning rate the cosine reaches at the last step.
    public var minimumLearningRate: Float
    /// Global gradient-norm clip; nil = no clipping (the norm is still computed, logged and checked).
    public var clipNorm: Float?
    /// EMA of the weights with this decay; nil = off.
    public var emaDecay: Float?
    /// Validate every this many updates (and after the last one).
    public var validateEvery: Int
    /// Write checkpoints/last.* every this many updates (and when the run ends).
    public var checkpointEvery: Int
    /// Write a train.jsonl line every this many updates (and for every stop).
    public var logEvery: Int
    public var seed: UInt64
    /// Which validated weights the run keeps as checkpoints/best.*.
    public var selection: ModelSelection

    public init(steps: Int, batch: Int = 1, learningRate: Float = 1e-3, weightDecay: Float = 0.05,
                warmupSteps: Int = 0, minimumLearningRate: Float = 0, clipNorm: Float? = 1, emaDecay: Float? = nil,
                validateEvery: Int = 100, checkpointEvery: Int = 100, logEvery: Int = 1, seed: UInt64 = 0,
                selection: ModelSelection = .best) {
        self.steps = steps
        self.batch = batch
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.warmupSteps = warmupSteps
        self.minimumLearningRate = minimumLearningRate
        self.clipNorm = clipNorm
        self.emaDecay = emaDecay
        self.validateEvery = validateEvery
        self.checkpointEvery = checkpointEvery
        self.logEvery = logEvery
        self.seed = seed
        self.selection = selection
    }

    /// The schedule the loop sets before each update.
    public var schedule: LearningRateSchedule {
        .cosineWithWarmup(base: learningRate, warmupSteps: warmupSteps, totalSteps: steps, minimum: minimumLearningRate)
    }

    /// Throws one `MedadError` naming the first option out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw MedadError("training option \(name) = \(value): expected \(expected)") }
        }
        try check(steps >= 1, "steps", steps, "an integer ≥ 1")
        try check(batch >= 1, "batch", batch, "an integer ≥ 1")
        try check(learningRate.isFinite && learningRate > 0, "learning rate", learningRate, "a number > 0")
        try check(weightDecay.isFinite && weightDecay >= 0, "weight decay", weightDecay, "a number ≥ 0")
        try check(warmupSteps >= 0 && warmupSteps <= steps, "warmup", warmupSteps, "an integer in 0…steps")
        try check(minimumLearningRate >= 0 && minimumLearningRate <= learningRate, "minimum learning rate",
                  minimumLearningRate, "a number in 0…learning rate")
        if let clipNorm { try check(clipNorm.isFinite && clipNorm > 0, "clip", clipNorm, "a number > 0") }
        if let emaDecay { try check(emaDecay > 0 && emaDecay < 1, "ema", emaDecay, "a number in (0, 1)") }
        try check(validateEvery >= 1, "validate every", validateEvery, "an integer ≥ 1")
        try check(checkpointEvery >= 1, "checkpoint every", checkpointEvery, "an integer ≥ 1")
        try check(logEvery >= 1, "log every", logEvery, "an integer ≥ 1")
    }

    /// The options as recorded in checkpoint sidecars (and compared on resume).
    public var json: JSONValue {
        func number(_ value: Float?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        var object = JSONObject([
            ("steps", .number(Double(steps))), ("batch", .number(Double(batch))),
            ("lr", number(learningRate)), ("weight_decay", number(weightDecay)),
            ("warmup", .number(Double(warmupSteps))), ("min_lr", number(minimumLearningRate)),
            ("clip", number(clipNorm)), ("ema", number(emaDecay)),
            ("val_every", .number(Double(validateEvery))), ("checkpoint_every", .number(Double(checkpointEvery))),
            ("log_every", .number(Double(logEvery))), ("seed", .string(String(seed))),
        ])
        // Checkpoints written before the rule existed hold no `select`: they selected `best`, and must resume.
        if selection != .best { object["select"] = .string(selection.rawValue) }
        return .object(object)
    }
}

/// How the loop chooses the weights a run keeps, among those it validated.
public enum ModelSelection: String, CaseIterable, Sendable {
    /// The highest validation score: the usual rule, but with few validation cases one lucky score can
    /// keep a mid-schedule network.
    case best
    /// The last validation with a finite score, which follows the schedule to its end (nnU-Net's
    /// default, `checkpoint_final`): the validation cases then only report, and never choose.
    case last
}
