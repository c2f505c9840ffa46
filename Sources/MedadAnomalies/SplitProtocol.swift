import MedadSupport

/// The open-set semi-supervised protocol's parameters. Subjects are split into disjoint train /
/// validation / test sets; the training pool is contaminated at rate `contamination` with anomalies of
/// the seen types and labels are revealed for a share `labelRatio` of it; the test set mixes seen and
/// unseen types; the validation set (normal + `validationTypes`) serves model selection and thresholds.
public struct SplitProtocol: Codable, Equatable, Sendable {
    public var seed: UInt64
    /// Shares of the subjects held out for validation and test; the rest is the training pool.
    public var validationFraction: Double
    public var testFraction: Double
    /// c: share of the training pool carrying an anomaly of a seen type.
    public var contamination: Double
    /// r: share of the training pool (of its normal and of its contaminated subjects alike) whose image label is revealed.
    public var labelRatio: Double
    /// Also reveal the voxel masks of the labelled anomalous training subjects.
    public var revealMasks: Bool
    /// Types that may appear in training (contamination and revealed labels) and in the test set.
    public var seenTypes: [AnomalyType]
    /// Types that appear in the test set only.
    public var unseenTypes: [AnomalyType]
    /// Synthetic generators methods may train with (self-supervised anomalies); none may be unseen.
    public var trainingGenerators: [AnomalyType]
    /// Types of the synthetic validation anomalies; none may be unseen.
    public var validationTypes: [AnomalyType]
    public var validationAnomalyFraction: Double
    public var testAnomalyFraction: Double
    /// Permit training generators or validation types that are also unseen test types (a deliberate ablation).
    public var allowOverlap: Bool

    public init(seenTypes: [AnomalyType], unseenTypes: [AnomalyType], trainingGenerators: [AnomalyType] = [],
                validationTypes: [AnomalyType]? = nil, seed: UInt64 = 0, validationFraction: Double = 0.15,
                testFraction: Double = 0.25, contamination: Double = 0.1, labelRatio: Double = 0.1,
                revealMasks: Bool = false, validationAnomalyFraction: Double = 0.5,
                testAnomalyFraction: Double = 0.5, allowOverlap: Bool = false) {
        self.seed = seed
        self.validationFraction = validationFraction
        self.testFraction = testFraction
        self.contamination = contamination
        self.labelRatio = labelRatio
        self.revealMasks = revealMasks
        self.seenTypes = seenTypes
        self.unseenTypes = unseenTypes
        self.trainingGenerators = trainingGenerators
        self.validationTypes = validationTypes ?? seenTypes
        self.validationAnomalyFraction = validationAnomalyFraction
        self.testAnomalyFraction = testAnomalyFraction
        self.allowOverlap = allowOverlap
    }

    /// Rejects inconsistent protocols with a `MedadError` naming the key.
    public func validate() throws {
        let rates: [(String, Double)] = [
            ("validationFraction", validationFraction), ("testFraction", testFraction),
            ("contamination", contamination), ("labelRatio", labelRatio),
            ("validationAnomalyFraction", validationAnomalyFraction), ("testAnomalyFraction", testAnomalyFraction),
        ]
        for (key, rate) in rates where !(rate.isFinite && (0...1).contains(rate)) {
            throw MedadError("splits.\(key): expected a rate within 0...1, got \(rate)")
        }
        guard validationFraction > 0, testFraction > 0, validationFraction + testFraction < 1 else {
            throw MedadError("splits.validationFraction/testFraction: both must be above 0 and sum below 1 (training needs subjects), got \(validationFraction) and \(testFraction)")
        }
        if let both = seenTypes.first(where: unseenTypes.contains) {
            throw MedadError("splits.unseenTypes: '\(both.rawValue)' is also a seen type; seen and unseen types must be disjoint")
        }
        if contamination > 0 && seenTypes.isEmpty {
            throw MedadError("splits.seenTypes: contamination \(contamination) needs at least one seen type")
        }
        if testAnomalyFraction > 0 && seenTypes.isEmpty && unseenTypes.isEmpty {
            throw MedadError("splits.seenTypes/unseenTypes: test anomalies need at least one type")
        }
        if validationAnomalyFraction > 0 && validationTypes.isEmpty {
            throw MedadError("splits.validationTypes: validation anomalies need at least one type")
        }
        guard !allowOverlap else { return }
        if let leak = trainingGenerators.first(where: unseenTypes.contains) {
            throw MedadError("splits.trainingGenerators: generator '\(leak.rawValue)' produces an unseen test type; remove it or set allowOverlap")
        }
        if let leak = validationTypes.first(where: unseenTypes.contains) {
            throw MedadError("splits.validationTypes: '\(leak.rawValue)' is an unseen test type; model selection must not see it (or set allowOverlap)")
        }
    }
}
