/// The Cholesky factor A = L Lᵀ of a symmetric positive definite d × d matrix (row-major), for the
/// closed-form fits that need A⁻¹: the linear probe's discriminant and a Gaussian's whitening.
public struct Cholesky {
    /// L, lower triangular, row-major.
    public let lower: [Double]
    public let d: Int

    /// `a`: d × d, symmetric positive definite (callers add a ridge to make sure).
    public init(_ a: [Double], d: Int) {
        precondition(a.count == d * d, "Cholesky: \(a.count) values are not a \(d) × \(d) matrix")
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var sum = a[i * d + j]
                for k in 0..<j { sum -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = i == j ? sum.squareRoot() : sum / l[j * d + j]
            }
        }
        lower = l
        self.d = d
    }

    /// A⁻¹ y: forward substitution through L, then back through Lᵀ.
    public func solve(_ y: [Double]) -> [Double] {
        var x = forward(y)
        for i in stride(from: d - 1, through: 0, by: -1) {
            for k in (i + 1)..<d { x[i] -= lower[k * d + i] * x[k] }
            x[i] /= lower[i * d + i]
        }
        return x
    }

    /// L⁻¹ (lower triangular, row-major): ‖L⁻¹(x − μ)‖² is x's squared Mahalanobis distance under A.
    public func inverseLower() -> [Double] {
        var inverse = [Double](repeating: 0, count: d * d)
        for column in 0..<d {
            var unit = [Double](repeating: 0, count: d)
            unit[column] = 1
            for (row, value) in forward(unit).enumerated() { inverse[row * d + column] = value }
        }
        return inverse
    }

    /// L⁻¹ y.
    private func forward(_ y: [Double]) -> [Double] {
        var x = y
        for i in 0..<d {
            for k in 0..<i { x[i] -= lower[i * d + k] * x[k] }
            x[i] /= lower[i * d + i]
        }
        return x
    }
}
