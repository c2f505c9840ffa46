import Testing
import MedadMetrics
import MedadSupport

@Suite struct StatisticsTests {
    @Test func percentileMatchesNumpy() {
        #expect(abs(Statistics.percentile([1, 2, 3, 4], 0.9) - 3.7) < 1e-12)  // np.percentile([1,2,3,4], 90)
        #expect(Statistics.percentile([1, 2, 3], 0.25) == 1.5)  // np.percentile([3,1,2], 25)
    }

    @Test func meanAndStdOverSeeds() {
        let summary = Statistics.meanAndStd([0.8, 0.9, 1.0])
        #expect(abs(summary.mean.number! - 0.9) < 1e-12 && abs(summary.std.number! - 0.1) < 1e-12)
        #expect(Statistics.meanAndStd([0.5]).std == .undefined("one value only"))
    }

    @Test func averageRanksShareTies() {
        // Row 1: 0.9 first, 0.8 and 0.8 share ranks 2 and 3; row 2: 0.7 > 0.6 > 0.5.
        let ranks = Statistics.averageRanks([[0.9, 0.8, 0.8], [0.5, 0.7, 0.6]])
        #expect(ranks == [2, 1.75, 2.25])
        #expect(Statistics.averageRanks([[3, 1, 2]], higherIsBetter: false) == [3, 1, 2])
    }

    @Test func bootstrapIsSeededAndStratified() {
        let strata = [0, 0, 0, 1, 1, 0, 1, 0]
        let bootstrap = Bootstrap(resamples: 200, seed: 4)
        for r in 0..<20 {
            let m = bootstrap.multiplicities(strata: strata, resample: r)
            #expect(m == bootstrap.multiplicities(strata: strata, resample: r))
            #expect(strata.indices.filter { strata[$0] == 1 }.reduce(0) { $0 + m[$1] } == 3)
            #expect(m.reduce(0, +) == strata.count)
        }
        #expect(bootstrap.multiplicities(strata: strata, resample: 0) != bootstrap.multiplicities(strata: strata, resample: 1))
    }

    /// The bootstrap interval of a mean brackets the mean and shrinks with more cases.
    @Test func bootstrapIntervalOfMean() {
        var random = SeededRandom(seed: 8)
        func width(_ n: Int) -> Double {
            let values = (0..<n).map { _ in random.nextDouble() }
            let mean = values.reduce(0, +) / Double(n)
            let ci = Bootstrap(resamples: 500, seed: 1).intervals(strata: [Int](repeating: 0, count: n)) { m in
                ["mean": .value(zip(values, m).reduce(0) { $0 + $1.0 * Double($1.1) } / Double(n))]
            }
            let (low, high) = ci["mean"]!.bounds!
            #expect(low < mean && mean < high)
            return high - low
        }
        #expect(width(400) < width(25))
        let undefined = Bootstrap(resamples: 10).intervals(strata: [0, 0]) { _ in ["x": .undefined("no lesions")] }
        #expect(undefined["x"] == .undefined("undefined in every resample: no lesions"))
    }

    /// Reference: DeLong's covariance from the placement values computed naively in numpy
    /// (O(m n) Mann-Whitney kernel, np.cov), inputs drawn with numpy default_rng(11); AUROCs equal
    /// sklearn roc_auc_score (0.9223057644110276, 0.9047619047619048).
    @Test func deLongMatchesNaiveReference() throws {
        let a: [Double] = [0.5, 0.5, 0.3, 0.0, 0.2, -0.3, -0.1, 0.4, 0.2, -0.2, 0.8, 0.2, 0.2, 0.5, 0.7, -0.4, 0.2, 0.2, -0.5, 0.1,
                           -0.1, 0.6, -0.1, 0.4, 0.5, -0.3, 0.6, -0.0, 0.1, 0.2, 0.7, 0.6, 0.3, 0.2, 0.8, 0.9, -0.5, 0.7, 0.1, 0.4]
        let b: [Double] = [0.1, 0.8, -0.2, 0.4, 0.7, -0.6, 0.1, 0.0, 0.2, 0.4, 1.2, -0.4, -0.1, 0.7, 1.0, -0.1, -0.1, 0.2, -0.3, -0.0,
                           -0.3, 0.6, 0.0, 0.4, 0.4, -0.5, 0.4, 0.4, -0.0, -0.1, 1.0, 0.7, 1.0, 0.1, 0.5, 0.2, 0.1, 1.3, -0.2, 0.2]
        let labels = [1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1]
            .map { $0 == 1 }
        let test = try DeLongTest(scoresA: a, scoresB: b, labels: labels)
        #expect(abs(test.aurocA.number! - 0.9223057644110276) < 1e-12)
        #expect(abs(test.aurocB.number! - 0.9047619047619048) < 1e-12)
        #expect(abs(test.z.number! - 0.31612205126082527) < 1e-9)
        #expect(abs(test.pValue.number! - 0.7519098698496283) < 1e-9)
        let same = try DeLongTest(scoresA: a, scoresB: a, labels: labels)
        #expect(same.pValue.number == nil)
        #expect(try DeLongTest(scoresA: [0.1, 0.2], scoresB: [0.3, 0.1], labels: [true, false]).z.number == nil)
    }

    @Test func permutationTests() throws {
        // Identical methods: every swap reproduces the observed 0, so p = 1.
        let same = PairedPermutationTest(meanOf: [0.5, 0.7, 0.6], versus: [0.5, 0.7, 0.6], resamples: 99)
        #expect(same.observed == .value(0) && same.pValue == .value(1))
        // A beats B on all 12 cases by 0.2: only the identity and its mirror reach |d| = 0.2, chance 2 / 4096.
        let better = PairedPermutationTest(meanOf: [Double](repeating: 0.9, count: 12), versus: [Double](repeating: 0.7, count: 12),
                                           resamples: 999, seed: 3)
        #expect(abs(better.observed.number! - 0.2) < 1e-12)
        #expect(better.pValue.number! < 0.01)
        let scoresB = tiedScores.map { 1 - $0 }
        let ap = try PairedPermutationTest(averagePrecisionOf: tiedScores, versus: scoresB, labels: tiedLabels, resamples: 199)
        let apA = try RankedCounts(scores: tiedScores, labels: tiedLabels).averagePrecision.number!
        let apB = try RankedCounts(scores: scoresB, labels: tiedLabels).averagePrecision.number!
        #expect(abs(ap.observed.number! - (apA - apB)) < 1e-12)
        #expect(ap.pValue.number! <= 0.01)
    }

    @Test func thresholdsFromValidation() throws {
        let scores: [Double] = [0.1, 0.2, 0.3, 0.4, 0.9, 0.8], labels = [false, false, false, false, true, true]
        #expect(abs(try ThresholdSelection.choose(.normalPercentile(50), scores: scores, labels: labels) - 0.25) < 1e-12)
        #expect(try ThresholdSelection.choose(.f1Optimal, scores: scores, labels: labels) == 0.8)
        #expect(throws: MedadError.self) {
            _ = try ThresholdSelection.choose(.f1Optimal, scores: [0.1, 0.2], labels: [false, false])
        }
        #expect(throws: MedadError.self) {
            _ = try ThresholdSelection.choose(.normalPercentile(99), scores: [0.9], labels: [true])
        }
    }

    /// The percentile read from ranked counts (voxel histograms) equals numpy's on the expanded normal scores.
    @Test func percentileFromCountsEqualsExpanded() throws {
        let normal = zip(tiedScores, tiedLabels).filter { !$0.1 }.map(\.0).sorted()
        for percent in [0.0, 12.5, 50, 90, 99, 100] {
            let chosen = try ThresholdSelection.choose(.normalPercentile(percent), scores: tiedScores, labels: tiedLabels)
            #expect(abs(chosen - Statistics.percentile(normal, percent / 100)) < 1e-12)
        }
    }
}
