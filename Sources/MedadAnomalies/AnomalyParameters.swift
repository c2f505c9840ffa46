import MedadSupport

/// The knobs of the anomaly generators. Every range is sampled uniformly per anomaly.
/// Intensities are in image units (medad's preprocessing scales tissue to about [0, 1]).
public struct AnomalyParameters: Codable, Equatable, Sendable {
    /// Patch extent along each in-plane (and, for volumes, depth) axis, as a fraction of that axis.
    public var sizeRange: ClosedRange<Double> = 0.1...0.3
    /// The uniform value painted by `sphere`.
    public var intensityRange: ClosedRange<Double> = 0...1
    /// Standard deviation of the additive noise of `noise`.
    public var noiseRange: ClosedRange<Double> = 0.1...0.4
    /// Interpolation factor alpha of `fpi` and `pii` (0 keeps the image, 1 takes the donor).
    public var blendRange: ClosedRange<Double> = 0.1...0.9
    /// Gaussian sigma of `blur`, in voxels.
    public var blurSigmaRange: ClosedRange<Double> = 1.5...4
    /// Exponent gamma of `sink_source`: radii are remapped by d^(1+gamma) or d^(1/(1+gamma)).
    public var deformationRange: ClosedRange<Double> = 0.5...2
    /// Sub-blocks per axis of `shuffle`.
    public var shuffleGrid: ClosedRange<Int> = 2...3
    /// Conjugate-gradient stopping rule of `pii` (relative residual) and its iteration cap.
    public var poissonTolerance: Double = 1e-6
    public var poissonMaxIterations: Int = 5000

    public init() {}

    /// Rejects ranges a generator cannot honour, naming the key.
    public func validate() throws {
        try Self.check("sizeRange", sizeRange, within: 0.01...1)
        try Self.check("blendRange", blendRange, within: 0...1)
        try Self.check("noiseRange", noiseRange, within: 0...Double.greatestFiniteMagnitude)
        try Self.check("blurSigmaRange", blurSigmaRange, within: 0.1...50)
        try Self.check("deformationRange", deformationRange, within: 0...10)
        guard intensityRange.lowerBound.isFinite, intensityRange.upperBound.isFinite else {
            throw MedadError("intensityRange: bounds must be finite, got \(intensityRange)")
        }
        guard shuffleGrid.lowerBound >= 2, shuffleGrid.upperBound <= 8 else {
            throw MedadError("shuffleGrid: expected blocks per axis within 2...8, got \(shuffleGrid)")
        }
        guard poissonTolerance > 0, poissonTolerance < 1, poissonMaxIterations >= 1 else {
            throw MedadError("poissonTolerance/poissonMaxIterations: expected 0 < tolerance < 1 and at least one iteration")
        }
    }

    private static func check(_ key: String, _ range: ClosedRange<Double>, within limits: ClosedRange<Double>) throws {
        guard range.lowerBound.isFinite, range.upperBound.isFinite,
              limits.contains(range.lowerBound), limits.contains(range.upperBound) else {
            throw MedadError("\(key): expected a range within \(limits.lowerBound)...\(limits.upperBound), got \(range)")
        }
    }
}
