import MedadSupport

/// Scores grouped by distinct value, highest first: one operating point per threshold.
/// Every image-level curve metric (AP, AUROC, FPR@TPR, F1) reads these counts, so ties are handled in
/// one place exactly like scikit-learn's `_binary_clf_curve` (all cases with equal scores enter together).
public struct RankedCounts: Sendable {
    /// Distinct thresholds, descending.
    public let thresholds: [Double]
    /// Positives and negatives scoring exactly `thresholds[k]`.
    public let positives: [Int]
    public let negatives: [Int]
    /// Summed weight of the positives at `thresholds[k]` (AUPRO's 1 / lesion size), when given.
    public let positiveWeights: [Double]?
    public let totalPositives: Int
    public let totalNegatives: Int

    /// Ranks finite scores; a NaN or infinite score throws naming its case.
    public init(scores: [Double], labels: [Bool], caseNames: [String]? = nil) throws {
        self = try RankedScores(scores: scores, labels: labels, caseNames: caseNames).counts()
    }

    /// From histogram bins (thresholds descending); empty bins are dropped.
    public init(descendingThresholds: [Double], positives: [Int], negatives: [Int], positiveWeights: [Double]? = nil) {
        precondition(positives.count == descendingThresholds.count && negatives.count == descendingThresholds.count
                     && (positiveWeights?.count ?? positives.count) == positives.count, "bin arrays differ in length")
        // One pass over unsafe buffers: bootstrap resamples build these from 15,361 half-precision bins each.
        var keptThresholds: [Double] = [], keptPositives: [Int] = [], keptNegatives: [Int] = [], keptWeights: [Double] = []
        var sumPositives = 0, sumNegatives = 0
        descendingThresholds.withUnsafeBufferPointer { t in
            positives.withUnsafeBufferPointer { p in
                negatives.withUnsafeBufferPointer { n in
                    (positiveWeights ?? []).withUnsafeBufferPointer { w in
                        for bin in 0..<t.count where p[bin] + n[bin] > 0 {
                            keptThresholds.append(t[bin])
                            keptPositives.append(p[bin])
                            keptNegatives.append(n[bin])
                            if !w.isEmpty { keptWeights.append(w[bin]) }
                            sumPositives += p[bin]
                            sumNegatives += n[bin]
                        }
                    }
                }
            }
        }
        thresholds = keptThresholds
        self.positives = keptPositives
        self.negatives = keptNegatives
        self.positiveWeights = positiveWeights == nil ? nil : keptWeights
        totalPositives = sumPositives
        totalNegatives = sumNegatives
    }
}

/// Scores sorted once, so that resampled case sets (bootstrap, permutation) only re-count.
public struct RankedScores: Sendable {
    public let scores: [Double]
    public let labels: [Bool]
    /// Case indices by descending score.
    let order: [Int]

    public init(scores: [Double], labels: [Bool], caseNames: [String]? = nil) throws {
        precondition(scores.count == labels.count, "scores and labels differ in length")
        try ScoreChecks.requireFinite(scores, caseNames: caseNames)
        self.scores = scores
        self.labels = labels
        order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
    }

    /// Counts with case i taken `multiplicity[i]` times (nil: once each).
    public func counts(multiplicity: [Int]? = nil) -> RankedCounts {
        var thresholds: [Double] = [], positives: [Int] = [], negatives: [Int] = []
        for i in order {
            let times = multiplicity?[i] ?? 1
            if times == 0 { continue }
            if thresholds.last != scores[i] {
                thresholds.append(scores[i]); positives.append(0); negatives.append(0)
            }
            if labels[i] { positives[positives.count - 1] += times } else { negatives[negatives.count - 1] += times }
        }
        return RankedCounts(descendingThresholds: thresholds, positives: positives, negatives: negatives)
    }
}
