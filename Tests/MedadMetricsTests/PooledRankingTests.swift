import Testing
import MedadMetrics
import MedadSupport

@Suite struct PooledRankingTests {
    /// The radix kernel agrees with scikit-learn on the tied reference data split over three cases.
    @Test func matchesScikitLearnAcrossCases() throws {
        let scores = tiedScores.map(Float.init), labels = tiedLabels.map { UInt8($0 ? 1 : 0) }
        let pooled = try PooledRanking(scores: [Array(scores[0..<25]), [], Array(scores[25...])],
                                       labels: [Array(labels[0..<25]), [], Array(labels[25...])])
        #expect(abs(pooled.averagePrecision.number! - 0.7090305764411028) < 1e-9)  // sklearn average_precision_score
        #expect(abs(pooled.auroc.number! - 0.7817142857142856) < 1e-9)  // sklearn roc_auc_score
        #expect(abs(pooled.bestDice.number! - 0.6885245901639344) < 1e-9)
        #expect(pooled.positives == 25 && pooled.negatives == 35 && pooled.distinctScores == 9)
    }

    /// Random voxels with heavy ties (a few hundred levels, including 0 and 1) plus fully random floats,
    /// spread over many radix buckets: identical to the sorted computation.
    @Test func equalsSortedComputationOnRandomData() throws {
        var random = SeededRandom(seed: 17)
        var scores: [[Float]] = [], labels: [[UInt8]] = []
        for c in 0..<4 {
            let n = 20_000 + 3_000 * c
            scores.append((0..<n).map { i in
                i % 3 == 0 ? Float(random.nextInt(301)) / 300 : random.nextFloat() * random.nextFloat()
            })
            labels.append(scores[c].map { random.nextFloat() < 0.1 + 0.5 * $0 ? 1 : 0 })
        }
        let pooled = try PooledRanking(scores: scores, labels: labels)
        let sorted = try RankedCounts(scores: scores.flatMap { $0.map(Double.init) }, labels: labels.flatMap { $0.map { $0 == 1 } })
        #expect(abs(pooled.averagePrecision.number! - sorted.averagePrecision.number!) < 1e-12)
        #expect(abs(pooled.auroc.number! - sorted.auroc.number!) < 1e-12)
        #expect(abs(pooled.bestDice.number! - sorted.maxF1.f1.number!) < 1e-12)
        #expect(pooled.bestDiceThreshold.number! == sorted.maxF1.threshold.number!)
        #expect(pooled.distinctScores == sorted.thresholds.count)
    }

    @Test func outOfRangeScoreNamesCaseAndVoxel() {
        #expect(throws: MedadError("b.nii.gz: voxel 1 has score 1.5; voxel scores must be finite and in [0, 1] (clip first)")) {
            _ = try PooledRanking(scores: [[0.1], [0.2, 1.5]], labels: [[0], [1, 0]], caseNames: ["a.nii.gz", "b.nii.gz"])
        }
        #expect(throws: MedadError.self) { _ = try PooledRanking(scores: [[Float.nan]], labels: [[1]]) }
        #expect(throws: MedadError.self) { _ = try PooledRanking(scores: [[-0.25]], labels: [[1]]) }
    }

    @Test func noAnomalousVoxelsIsUndefined() throws {
        let pooled = try PooledRanking(scores: [[0, 0.5, -0.0]], labels: [[0, 0, 0]])
        #expect(pooled.averagePrecision.number == nil && pooled.auroc.number == nil && pooled.bestDice.number == nil)
        #expect(pooled.distinctScores == 2)  // -0 ranks with +0
    }
}
