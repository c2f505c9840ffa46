import Foundation

// DeLong, DeLong & Clarke-Pearson, "Comparing the areas under two or more correlated receiver operating
// characteristic curves: a nonparametric approach", Biometrics 1988; computed with midranks as in
// Sun & Xu, "Fast implementation of DeLong's algorithm", IEEE Signal Processing Letters 2014.

/// DeLong's test of two correlated AUROCs: two scorers on the same cases.
public struct DeLongTest: Sendable {
    public let aurocA: MetricValue
    public let aurocB: MetricValue
    /// (AUROC_A - AUROC_B) / its standard error.
    public let z: MetricValue
    /// Two-sided p-value under the normal approximation.
    public let pValue: MetricValue

    public init(scoresA: [Double], scoresB: [Double], labels: [Bool], caseNames: [String]? = nil) throws {
        precondition(scoresA.count == labels.count && scoresB.count == labels.count, "scores and labels differ in length")
        try ScoreChecks.requireFinite(scoresA, caseNames: caseNames)
        try ScoreChecks.requireFinite(scoresB, caseNames: caseNames)
        let m = labels.filter { $0 }.count, n = labels.count - m
        guard m >= 2 && n >= 2 else {
            let reason = "DeLong's test needs at least two positive and two negative cases"
            aurocA = .undefined(reason); aurocB = .undefined(reason); z = .undefined(reason); pValue = .undefined(reason)
            return
        }
        let a = DeLongTest.components(scoresA, labels, m, n), b = DeLongTest.components(scoresB, labels, m, n)
        aurocA = .value(a.auroc)
        aurocB = .value(b.auroc)
        let variance = (DeLongTest.covariance(a.positive, a.positive) + DeLongTest.covariance(b.positive, b.positive)
                        - 2 * DeLongTest.covariance(a.positive, b.positive)) / Double(m)
            + (DeLongTest.covariance(a.negative, a.negative) + DeLongTest.covariance(b.negative, b.negative)
               - 2 * DeLongTest.covariance(a.negative, b.negative)) / Double(n)
        guard variance > 0 else {
            let reason = "the difference has zero variance (both scorers order every pair alike)"
            z = .undefined(reason); pValue = .undefined(reason)
            return
        }
        let statistic = (a.auroc - b.auroc) / variance.squareRoot()
        z = .value(statistic)
        pValue = .value(erfc(abs(statistic) / 2.0.squareRoot()))
    }

    /// AUROC and the structural components V10 (per positive) and V01 (per negative).
    private static func components(_ scores: [Double], _ labels: [Bool], _ m: Int, _ n: Int)
        -> (auroc: Double, positive: [Double], negative: [Double]) {
        let pos = zip(scores, labels).filter { $0.1 }.map(\.0), neg = zip(scores, labels).filter { !$0.1 }.map(\.0)
        let rankPos = midranks(pos), rankNeg = midranks(neg), rankAll = midranks(pos + neg)
        let positive = (0..<m).map { (rankAll[$0] - rankPos[$0]) / Double(n) }
        let negative = (0..<n).map { 1 - (rankAll[m + $0] - rankNeg[$0]) / Double(m) }
        let auroc = ((0..<m).reduce(0) { $0 + rankAll[$1] } - Double(m * (m + 1)) / 2) / Double(m * n)
        return (auroc, positive, negative)
    }

    /// 1-based ranks, ties sharing their mean rank.
    static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            for position in start...end { ranks[order[position]] = Double(start + end) / 2 + 1 }
            start = end + 1
        }
        return ranks
    }

    /// Sample covariance (n - 1).
    private static func covariance(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        return zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / Double(x.count - 1)
    }
}
