/// Fieller's interval for the ratio of two paired means, mean(a) / mean(b): every ρ whose paired
/// differences a − ρ·b have a mean that a two-sided one-sample t-test (n − 1 degrees of freedom) does
/// not reject. A backbone "at 0.8× of the reference" over a few seeds is then a claim the seeds can
/// refute (the interval ends below 0.8), support (it starts above) or leave open; a percentile
/// bootstrap of three to six seeds has too few distinct resamples to say which.
public enum PairedRatioInterval {
    public static func of(_ a: [Double], over b: [Double], level: Double = 0.95) -> ConfidenceInterval {
        precondition(a.count == b.count, "paired values differ in length")
        precondition(level > 0 && level < 1, "an interval needs a level in (0, 1)")
        guard a.count > 1 else { return .undefined("one pair only") }
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var saa = 0.0, sbb = 0.0, sab = 0.0
        for (x, y) in zip(a, b) {
            saa += (x - meanA) * (x - meanA)
            sbb += (y - meanB) * (y - meanB)
            sab += (x - meanA) * (y - meanB)
        }
        let t = StudentT.quantile(1 - (1 - level) / 2, degrees: n - 1)
        let q = t * t / (n * (n - 1))
        // Accepted ρ satisfy (meanA − ρ·meanB)² ≤ q·(saa − 2ρ·sab + ρ²·sbb): a quadratic A·ρ² + B·ρ + C ≤ 0.
        let quadratic = meanB * meanB - q * sbb
        let linear = -2 * (meanA * meanB - q * sab)
        let constant = meanA * meanA - q * saa
        guard quadratic > 0 else { return .undefined("unbounded: the reference's mean is not clearly away from zero") }
        let root = max(0, linear * linear - 4 * quadratic * constant).squareRoot()
        return .interval(low: (-linear - root) / (2 * quadratic), high: (-linear + root) / (2 * quadratic))
    }
}
