import Testing
import MedadMetrics

@Suite struct PairedRatioIntervalTests {
    @Test func studentQuantilesMatchScipy() {
        // scipy.stats.t.ppf(0.975, df) for df 1, 2, 5, 10, 30.
        let expected: [(Double, Double)] = [(1, 12.706204736174694), (2, 4.302652729749462), (5, 2.5705818356363146),
                                            (10, 2.228138851986274), (30, 2.0422724563012378)]
        for (degrees, t) in expected {
            #expect(abs(StudentT.quantile(0.975, degrees: degrees) - t) < 1e-9 * t)
            #expect(abs(StudentT.quantile(0.025, degrees: degrees) + t) < 1e-9 * t)
        }
        #expect(abs(StudentT.cdf(-1.3, degrees: 3.5) - 0.1362977079021851) < 1e-12)  // scipy.stats.t.cdf(-1.3, 3.5)
        #expect(StudentT.cdf(0, degrees: 4) == 0.5)
    }

    /// Against the t-test it inverts: scipy's ttest_1samp(a − ρb) is at its 0.975 critical value at
    /// both ends (brentq to 1e-14).
    @Test func fiellerMatchesTheInvertedPairedTTest() throws {
        let a = [0.026, 0.022, 0.030, 0.041, 0.019], b = [0.023, 0.017, 0.025, 0.062, 0.043]
        let bounds = try #require(PairedRatioInterval.of(a, over: b).bounds)
        #expect(abs(bounds.low - 0.5200049993522877) < 1e-9)
        #expect(abs(bounds.high - 1.9698100966753118) < 1e-9)
    }

    @Test func proportionalPairsGiveTheRatioItself() throws {
        let b = [0.40, 0.50, 0.45, 0.55]
        let bounds = try #require(PairedRatioInterval.of(b.map { 0.7 * $0 }, over: b).bounds)
        #expect(abs(bounds.low - 0.7) < 1e-6 && abs(bounds.high - 0.7) < 1e-6)
    }

    @Test func aReferenceNearZeroOrASinglePairHasNoInterval() {
        let unbounded = PairedRatioInterval.of([0.1, 0.2, 0.1, 0.3, 0.2], over: [0.01, -0.02, 0.03, 0, -0.01])
        #expect(unbounded == .undefined("unbounded: the reference's mean is not clearly away from zero"))
        #expect(PairedRatioInterval.of([0.3], over: [0.4]) == .undefined("one pair only"))
    }
}
