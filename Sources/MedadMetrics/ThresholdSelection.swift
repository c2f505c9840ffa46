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
    public static func choose(_ rule: ThresholdRule, scores: [Double], labels: [Bool]) throws -> Double {
        try choose(rule, counts: RankedCounts(scores: scores, labels: labels))
    }

    /// The threshold `rule` picks from ranked validation scores (cases or voxels). Throws when the rule
    /// cannot apply, instead of silently falling back to the minimum score.
    public static func choose(_ rule: ThresholdRule, counts: RankedCounts) throws -> Double {
        switch rule {
        case .normalPercentile(let percent):
            guard (0...100).contains(percent) else {
                throw MedadError("threshold percentile \(percent) is outside 0...100")
            }
            guard counts.totalNegatives > 0 else {
                throw MedadError("percentile threshold: the validation data holds no normal cases")
            }
            return normalPercentile(counts, percent / 100)
        case .f1Optimal:
            guard let threshold = counts.maxF1.threshold.number else {
                throw MedadError("F1-optimal threshold: the validation data holds no anomalous cases "
                                 + "(use a percentile of the normal scores instead)")
            }
            return threshold
        }
    }

    /// numpy's linear percentile of the normal scores, read from the counts without expanding them.
    private static func normalPercentile(_ counts: RankedCounts, _ q: Double) -> Double {
        let position = q * Double(counts.totalNegatives - 1)
        let below = Int(position.rounded(.down))
        // The i-th smallest normal score (0-based): walk the thresholds from the lowest up.
        func orderStatistic(_ i: Int) -> Double {
            var seen = 0
            for k in counts.thresholds.indices.reversed() {
                seen += counts.negatives[k]
                if seen > i { return counts.thresholds[k] }
            }
            return counts.thresholds[0]
        }
        let low = orderStatistic(below), high = orderStatistic(min(below + 1, counts.totalNegatives - 1))
        return low + (high - low) * (position - Double(below))
    }
}
