import MedadSupport

/// Fisher's linear discriminant (Fisher 1936) as a linear probe of features: w = (Σ + λI)⁻¹ (μ₁ − μ₀),
/// Σ the pooled within-class covariance and λ = `shrinkage` · trace(Σ)/d, so that rank-deficient
/// features (dead channels, fewer samples than channels) still give a direction. Closed form, so a
/// probe depends on the features alone, not on an optimiser's settings.
public struct LinearDiscriminant {
    /// One weight per feature; scores are x · w (no offset: probes are read as rankings).
    public let weights: [Double]

    /// `rows`: samples × `features` values, row-major; `labels`: one per row, both classes present.
    public init(rows: [Float], labels: [Bool], features d: Int, shrinkage: Double = 1e-3) throws {
        guard d > 0, rows.count == labels.count * d else {
            throw MedadError("linear discriminant: \(rows.count) values are not \(labels.count) rows of \(d) features")
        }
        let positives = labels.filter { $0 }.count
        guard positives > 0, positives < labels.count else {
            throw MedadError("linear discriminant: needs both classes, got \(positives) positive of \(labels.count) rows")
        }
        var means = [Double](repeating: 0, count: 2 * d)
        rows.withUnsafeBufferPointer { x in
            for (n, label) in labels.enumerated() {
                let offset = label ? d : 0
                for k in 0..<d { means[offset + k] += Double(x[n * d + k]) }
            }
        }
        let counts = [Double(labels.count - positives), Double(positives)]
        for k in 0..<d { means[k] /= counts[0]; means[d + k] /= counts[1] }
        var sigma = Self.withinScatter(rows, labels, means: means, d: d)
        var trace = 0.0
        for a in 0..<d {
            for b in a..<d { sigma[a * d + b] /= Double(labels.count); sigma[b * d + a] = sigma[a * d + b] }
            trace += sigma[a * d + a]
        }
        let ridge = max(shrinkage * trace / Double(d), Double.leastNormalMagnitude)
        for a in 0..<d { sigma[a * d + a] += ridge }
        weights = Cholesky(sigma, d: d).solve((0..<d).map { means[d + $0] - means[$0] })
    }

    /// x · w for every row of `rows` (samples × weights.count).
    public func scores(_ rows: [Float]) -> [Double] {
        let d = weights.count
        return rows.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                (0..<(x.count / d)).map { n in
                    var sum = 0.0
                    for k in 0..<d { sum += w[k] * Double(x[n * d + k]) }
                    return sum
                }
            }
        }
    }

    /// Σₙ (xₙ − μ_class)(xₙ − μ_class)ᵀ, upper triangle only (the caller mirrors it).
    private static func withinScatter(_ rows: [Float], _ labels: [Bool], means: [Double], d: Int) -> [Double] {
        var scatter = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        rows.withUnsafeBufferPointer { x in
            scatter.withUnsafeMutableBufferPointer { s in
                centred.withUnsafeMutableBufferPointer { c in
                    for (n, label) in labels.enumerated() {
                        let offset = label ? d : 0
                        for k in 0..<d { c[k] = Double(x[n * d + k]) - means[offset + k] }
                        for a in 0..<d {
                            let ca = c[a]
                            for b in a..<d { s[a * d + b] += ca * c[b] }
                        }
                    }
                }
            }
        }
        return scatter
    }
}
