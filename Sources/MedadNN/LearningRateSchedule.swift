import Foundation

/// The learning rate as a function of the 0-based index of the update about to be taken.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant(Float)
    /// Linear warm-up from base/warmupSteps to base over the first `warmupSteps` updates
    /// (update s gets base·(s+1)/warmupSteps, so the first update is not wasted at zero), then a
    /// half cosine from base down to `minimum` at update `totalSteps`, and `minimum` after that.
    case cosineWithWarmup(base: Float, warmupSteps: Int, totalSteps: Int, minimum: Float = 0)

    public func learningRate(at step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case let .cosineWithWarmup(base, warmup, total, minimum):
            if step < warmup { return base * Float(step + 1) / Float(warmup) }
            let span = max(1, total - warmup)
            let progress = min(1, Double(step - warmup) / Double(span))
            return minimum + (base - minimum) * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
