import MedadSupport

/// How to pick a decision threshold from validation data (never from the test data).
public enum ThresholdRule: Equatable, Sendable {
    /// The given percentile (0...100) of the normal validation scores: for validation sets without anomalies.
    case normalPercentile(Double)
    /// The F1-optimal threshold: needs anomalous (e.g. synthetic) validation cases.
    case f1Optimal
}

public enum ThresholdSelection {
    /// The threshold `rule` picks from validation `scores` and `labels` (true = anomalous).
    /// Throws when the rule cannot apply, instead of silently falling back to the minimum score.
    public static func choose(_ rule: ThresholdRule, scores: [Double], labels: [Bool]) throws -> Double {
        precondition(scores.count == labels.count, "scores and labels differ in length")
        try ScoreChecks.requireFinite(scores)
        switch rule {
        case .normalPercentile(let percent):
            guard (0...100).contains(percent) else {
                throw MedadError("threshold percentile \(percent) is outside 0...100")
            }
            let normal = zip(scores, labels).filter { !$0.1 }.map(\.0)
            guard !normal.isEmpty else {
                throw MedadError("percentile threshold: the validation data holds no normal cases")
            }
            return Statistics.percentile(normal.sorted(), percent / 100)
        case .f1Optimal:
            let counts = try RankedCounts(scores: scores, labels: labels)
            guard let threshold = counts.maxF1.threshold.number else {
                throw MedadError("F1-optimal threshold: the validation data holds no anomalous cases "
                                 + "(use a percentile of the normal scores instead)")
            }
            return threshold
        }
    }
}
