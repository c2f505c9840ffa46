/// How a run ended.
public enum TrainingStatus: Equatable {
    /// All `options.steps` updates done.
    case completed
    /// Stopped on request after `step` updates (`run(stopAfter:)`); resumable.
    case stopped(step: Int)
    /// The loss or the gradient norm (`what`) of update `step` (0-based) was NaN or infinite; that
    /// update was not applied.
    case stoppedNonFinite(step: Int, what: String)

    /// The name written to train.jsonl, status.json and sidecars.
    public var name: String {
        switch self {
        case .completed: return "completed"
        case .stopped: return "stopped"
        case .stoppedNonFinite: return "stopped_nonfinite"
        }
    }
}

/// What `Trainer.run` returns.
public struct TrainingOutcome: Equatable {
    public var status: TrainingStatus
    /// Updates done in total (including those before a resume).
    public var steps: Int
    /// The update count whose weights the selection rule kept (`TrainingOptions.selection`: the best
    /// validation score, or the last), and their score (nil: no validation yet).
    public var bestStep: Int?
    public var bestScore: Double?
    /// Wall time of this `run` call.
    public var seconds: Double

    public init(status: TrainingStatus, steps: Int, bestStep: Int?, bestScore: Double?, seconds: Double) {
        self.status = status
        self.steps = steps
        self.bestStep = bestStep
        self.bestScore = bestScore
        self.seconds = seconds
    }
}
