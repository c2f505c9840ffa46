import MedadSupport

/// Paired permutation tests of a metric difference between two methods scored on the same cases:
/// under the null hypothesis the two methods' outputs for a case are exchangeable, so each resample
/// swaps them case by case at random. Two-sided p = (1 + #{|d*| >= |d|}) / (1 + resamples).
public struct PairedPermutationTest: Sendable {
    /// Metric(A) - metric(B) on the real data.
    public let observed: MetricValue
    public let pValue: MetricValue

    /// Difference of average precision (sample level) between scorers A and B.
    public init(averagePrecisionOf scoresA: [Double], versus scoresB: [Double], labels: [Bool],
                resamples: Int = 10_000, seed: UInt64 = 0, caseNames: [String]? = nil) throws {
        precondition(scoresA.count == labels.count && scoresB.count == labels.count, "scores and labels differ in length")
        try ScoreChecks.requireFinite(scoresA, caseNames: caseNames)
        try ScoreChecks.requireFinite(scoresB, caseNames: caseNames)
        guard labels.contains(true) else {
            self.init(observed: .undefined("no positive cases"), pValue: .undefined("no positive cases"))
            return
        }
        func ap(_ scores: [Double]) -> Double {
            // Finite scores were checked above, so ranking cannot fail.
            (try? RankedCounts(scores: scores, labels: labels))?.averagePrecision.number ?? .nan
        }
        self.init(cases: labels.count, resamples: resamples, seed: seed) { swapped in
            let a = swapped.indices.map { swapped[$0] ? scoresB[$0] : scoresA[$0] }
            let b = swapped.indices.map { swapped[$0] ? scoresA[$0] : scoresB[$0] }
            return ap(a) - ap(b)
        }
    }

    /// Difference of the mean of a per-case metric (e.g. per-case Dice) between methods A and B.
    public init(meanOf valuesA: [Double], versus valuesB: [Double], resamples: Int = 10_000, seed: UInt64 = 0) {
        precondition(valuesA.count == valuesB.count, "paired values differ in length")
        guard !valuesA.isEmpty else {
            self.init(observed: .undefined("no cases"), pValue: .undefined("no cases"))
            return
        }
        let differences = zip(valuesA, valuesB).map { $0 - $1 }
        self.init(cases: differences.count, resamples: resamples, seed: seed) { swapped in
            swapped.indices.reduce(0) { $0 + (swapped[$1] ? -differences[$1] : differences[$1]) } / Double(differences.count)
        }
    }

    /// The generic test: `difference(swapped)` is the metric difference with the flagged cases swapped.
    public init(cases: Int, resamples: Int, seed: UInt64, difference: ([Bool]) -> Double) {
        precondition(resamples > 0, "a permutation test needs resamples > 0")
        let observed = difference([Bool](repeating: false, count: cases))
        var random = SeededRandom(seed: seed)
        var extreme = 0
        for _ in 0..<resamples {
            let swapped = (0..<cases).map { _ in random.next() & 1 == 1 }
            // The tolerance keeps exact ties with the observed difference counted despite rounding.
            if abs(difference(swapped)) >= abs(observed) - 1e-12 { extreme += 1 }
        }
        self.init(observed: .value(observed), pValue: .value(Double(1 + extreme) / Double(1 + resamples)))
    }

    private init(observed: MetricValue, pValue: MetricValue) {
        self.observed = observed
        self.pValue = pValue
    }
}
