// Curve metrics with scikit-learn's definitions (sklearn.metrics, version 1.x):
// average_precision_score (AP = sum_k (R_k - R_{k-1}) P_k over distinct thresholds, no interpolation),
// roc_auc_score (trapezoidal ROC area, i.e. Mann-Whitney U with ties counting half), and roc_curve
// operating points taken at every distinct threshold (drop_intermediate=False).

/// Comparisons against a rate target allow this much rounding, so that 19 of 20 reaches "95%".
let rateTolerance = 1e-12

extension RankedCounts {
    /// Cumulative (TP, FP) after each threshold, highest first.
    func operatingPoints() -> [(tp: Int, fp: Int)] {
        var tp = 0, fp = 0
        return positives.indices.map { k in
            tp += positives[k]; fp += negatives[k]
            return (tp, fp)
        }
    }

    private var oneClassReason: String? {
        if totalPositives == 0 { return "no positive cases" }
        if totalNegatives == 0 { return "no negative cases" }
        return nil
    }

    /// scikit-learn's average_precision_score: the MOOD challenge metric.
    public var averagePrecision: MetricValue {
        guard totalPositives > 0 else { return .undefined("no positive cases") }
        var sum = 0.0, tp = 0, fp = 0
        for k in positives.indices {
            tp += positives[k]; fp += negatives[k]
            if positives[k] > 0 { sum += Double(positives[k]) * (Double(tp) / Double(tp + fp)) }
        }
        return .value(sum / Double(totalPositives))
    }

    /// Area under the ROC curve; tied positive/negative pairs count half.
    public var auroc: MetricValue {
        if let reason = oneClassReason { return .undefined(reason) }
        var twice = 0.0, tpAbove = 0
        for k in positives.indices {
            twice += Double(negatives[k]) * Double(2 * tpAbove + positives[k])
            tpAbove += positives[k]
        }
        return .value(twice / (2 * Double(totalPositives) * Double(totalNegatives)))
    }

    /// FPR of the first operating point, from the highest threshold down, whose TPR reaches `tpr`.
    public func fpr(atTPR tpr: Double) -> MetricValue {
        if let reason = oneClassReason { return .undefined(reason) }
        for point in operatingPoints() where reachesRate(point.tp, of: totalPositives, tpr) {
            return .value(Double(point.fp) / Double(totalNegatives))
        }
        return .value(1)
    }

    /// Best TPR among operating points (including "nothing positive") whose specificity reaches `specificity`.
    public func sensitivity(atSpecificity specificity: Double) -> MetricValue {
        if let reason = oneClassReason { return .undefined(reason) }
        var best = 0
        for point in operatingPoints() where reachesRate(totalNegatives - point.fp, of: totalNegatives, specificity) {
            best = max(best, point.tp)
        }
        return .value(Double(best) / Double(totalPositives))
    }

    /// Best specificity among operating points whose TPR reaches `sensitivity`.
    public func specificity(atSensitivity sensitivity: Double) -> MetricValue {
        if let reason = oneClassReason { return .undefined(reason) }
        var best = 0
        for point in operatingPoints() where reachesRate(point.tp, of: totalPositives, sensitivity) {
            best = max(best, totalNegatives - point.fp)
        }
        return .value(Double(best) / Double(totalNegatives))
    }

    /// The largest F1 (= Dice) over thresholds, and the highest threshold reaching it.
    public var maxF1: (f1: MetricValue, threshold: MetricValue) {
        guard totalPositives > 0 else { return (.undefined("no positive cases"), .undefined("no positive cases")) }
        var best = -1.0, threshold = 0.0
        for (k, point) in operatingPoints().enumerated() {
            let f1 = 2 * Double(point.tp) / Double(point.tp + point.fp + totalPositives)
            if f1 > best { best = f1; threshold = thresholds[k] }
        }
        return (.value(best), .value(threshold))
    }

    /// Sensitivity and specificity when everything scoring >= `threshold` is called positive.
    public func operatingPoint(atThreshold threshold: Double) -> (sensitivity: MetricValue, specificity: MetricValue) {
        let (tp, fp) = counts(atThreshold: threshold)
        return (totalPositives > 0 ? .value(Double(tp) / Double(totalPositives)) : .undefined("no positive cases"),
                totalNegatives > 0 ? .value(1 - Double(fp) / Double(totalNegatives)) : .undefined("no negative cases"))
    }

    /// F1 (= Dice) when everything scoring >= `threshold` is called positive.
    public func f1(atThreshold threshold: Double) -> MetricValue {
        let (tp, fp) = counts(atThreshold: threshold)
        guard tp + fp + totalPositives > 0 else { return .undefined("no positives and nothing predicted positive") }
        return .value(2 * Double(tp) / Double(tp + fp + totalPositives))
    }

    private func counts(atThreshold threshold: Double) -> (tp: Int, fp: Int) {
        var tp = 0, fp = 0
        for k in thresholds.indices where thresholds[k] >= threshold {
            tp += positives[k]; fp += negatives[k]
        }
        return (tp, fp)
    }

    private func reachesRate(_ count: Int, of total: Int, _ rate: Double) -> Bool {
        Double(count) >= rate * Double(total) - rateTolerance * Double(total)
    }
}
