import Testing
import MedadMetrics
import MedadSupport

/// 60 cases with one-decimal scores (many ties), drawn by numpy (default_rng(7)); see referenceValues.
let tiedScores: [Double] = [
    0.2, 0.4, 0.3, 0.6, 0.4, 0.2, 0.6, 0.5, 0.6, 0.1, 0.4, 0.7, 0.2, 0.3, 0.3, 0.6, 0.5, 0.3, 0.3, 0.3,
    0.9, 0.5, 0.3, 0.7, 0.6, 0.3, 0.1, 0.3, 0.3, 0.6, 0.5, 0.6, 0.7, 0.5, 0.6, 0.6, 0.7, 0.3, 0.4, 0.3,
    0.2, 0.3, 0.2, 0.4, 0.8, 0.2, 0.5, 0.4, 0.4, 0.3, 0.6, 0.5, 0.7, 0.4, 0.6, 0.6, 0.1, 0.7, 0.2, 0.5,
]
let tiedLabels: [Bool] = [
    0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0,
].map { $0 == 1 }

@Suite struct CurveMetricsTests {
    /// By hand: ranking P(0.8) N(0.4) P(0.35) N(0.1).
    @Test func handComputedFourCases() throws {
        let counts = try RankedCounts(scores: [0.1, 0.4, 0.35, 0.8], labels: [false, false, true, true])
        #expect(abs(counts.averagePrecision.number! - (0.5 * 1 + 0.5 * 2.0 / 3)) < 1e-15)
        #expect(counts.auroc == .value(0.75))
        #expect(counts.fpr(atTPR: 0.95) == .value(0.5))
        #expect(counts.sensitivity(atSpecificity: 0.9) == .value(0.5))
        #expect(counts.specificity(atSensitivity: 0.9) == .value(0.5))
        #expect(abs(counts.maxF1.f1.number! - 0.8) < 1e-15)  // threshold 0.35: TP 2, FP 1
        #expect(counts.maxF1.threshold == .value(0.35))
        #expect(abs(counts.f1(atThreshold: 0.5).number! - 2.0 / 3) < 1e-15)
    }

    /// Ties count half: one positive and one negative sharing a score give AUROC 0.5, AP 0.5.
    @Test func tiesCountHalf() throws {
        let counts = try RankedCounts(scores: [0.3, 0.3], labels: [true, false])
        #expect(counts.auroc == .value(0.5))
        #expect(counts.averagePrecision == .value(0.5))
    }

    /// Reference values from scikit-learn 1.9.1 on tiedScores/tiedLabels:
    /// average_precision_score(y, s), roc_auc_score(y, s), and from roc_curve(y, s, drop_intermediate=False):
    /// fpr[argmax(tpr >= 0.95)], max(tpr[fpr <= 1 - q]), max(1 - fpr[tpr >= q]); max F1 from precision_recall_curve.
    @Test func matchesScikitLearnWithTies() throws {
        let counts = try RankedCounts(scores: tiedScores, labels: tiedLabels)
        let expected: [(MetricValue, Double)] = [
            (counts.averagePrecision, 0.7090305764411028),
            (counts.auroc, 0.7817142857142856),
            (counts.fpr(atTPR: 0.95), 0.9142857142857143),
            (counts.sensitivity(atSpecificity: 0.90), 0.28),
            (counts.sensitivity(atSpecificity: 0.95), 0.28),
            (counts.sensitivity(atSpecificity: 0.99), 0.04),
            (counts.specificity(atSensitivity: 0.90), 0.22857142857142854),
            (counts.specificity(atSensitivity: 0.95), 0.08571428571428574),
            (counts.specificity(atSensitivity: 0.99), 0.08571428571428574),
            (counts.maxF1.f1, 0.6885245901639344),
            (counts.maxF1.threshold, 0.4),
        ]
        for (value, reference) in expected {
            #expect(abs(value.number! - reference) < 1e-9, "\(value) vs scikit-learn \(reference)")
        }
    }

    @Test func oneClassIsUndefinedNotZero() throws {
        let onlyNormal = try RankedCounts(scores: [0.1, 0.7], labels: [false, false])
        #expect(onlyNormal.averagePrecision == .undefined("no positive cases"))
        #expect(onlyNormal.auroc == .undefined("no positive cases"))
        #expect(onlyNormal.maxF1.f1.number == nil)
        let onlyAnomalous = try RankedCounts(scores: [0.1, 0.7], labels: [true, true])
        #expect(onlyAnomalous.auroc == .undefined("no negative cases"))
        #expect(onlyAnomalous.fpr(atTPR: 0.95).number == nil)
        #expect(onlyAnomalous.averagePrecision == .value(1))
    }

    @Test func nonFiniteScoreNamesTheCase() {
        #expect(throws: MedadError("brain_007.nii.gz: score is nan; scores must be finite numbers")) {
            _ = try RankedCounts(scores: [0.2, .nan], labels: [true, false], caseNames: ["brain_006.nii.gz", "brain_007.nii.gz"])
        }
        #expect(throws: MedadError.self) { _ = try RankedCounts(scores: [.infinity], labels: [true]) }
    }

    /// Resampling by multiplicity equals ranking the duplicated data.
    @Test func multiplicityEqualsDuplicatedCases() throws {
        let ranked = try RankedScores(scores: tiedScores, labels: tiedLabels)
        var random = SeededRandom(seed: 5)
        let multiplicity = tiedScores.map { _ in random.nextInt(3) }
        var scores: [Double] = [], labels: [Bool] = []
        for i in tiedScores.indices {
            for _ in 0..<multiplicity[i] { scores.append(tiedScores[i]); labels.append(tiedLabels[i]) }
        }
        let direct = try RankedCounts(scores: scores, labels: labels), viaWeights = ranked.counts(multiplicity: multiplicity)
        #expect(abs(direct.averagePrecision.number! - viaWeights.averagePrecision.number!) < 1e-12)
        #expect(direct.auroc == viaWeights.auroc)
    }
}
