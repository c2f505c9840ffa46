import Foundation

/// Paired tests of one method (A) against another (B) scored on the same label folder.
/// Sample task: DeLong's test of the AUROCs and a permutation test of the AP difference. Pixel task:
/// permutation tests of the pooled voxel AP difference and of the mean per-case Dice difference (voxels
/// of one volume are not independent, so DeLong's voxel-level test is not offered).
public enum MOODComparison {
    public static func sample(scoresA: [Double], scoresB: [Double], labels: [Bool], names: [String],
                              resamples: Int, seed: UInt64) throws -> [(name: String, value: MetricValue)] {
        let delong = try DeLongTest(scoresA: scoresA, scoresB: scoresB, labels: labels, caseNames: names)
        let ap = try PairedPermutationTest(averagePrecisionOf: scoresA, versus: scoresB, labels: labels,
                                           resamples: resamples, seed: seed, caseNames: names)
        let aurocDifference: MetricValue
        if let a = delong.aurocA.number, let b = delong.aurocB.number {
            aurocDifference = .value(a - b)
        } else {
            aurocDifference = delong.aurocA
        }
        return [("auroc_difference", aurocDifference), ("delong_z", delong.z), ("delong_p", delong.pValue),
                ("ap_difference", ap.observed), ("ap_permutation_p", ap.pValue)]
    }

    public static func pixel(_ a: [PixelCaseSummary], versus b: [PixelCaseSummary], threshold: Double?,
                             resamples: Int, seed: UInt64) -> [(name: String, value: MetricValue)] {
        precondition(a.count == b.count, "both methods need the same cases")
        var entries: [(name: String, value: MetricValue)] = []
        if a.allSatisfy({ $0.anomalousVoxels == 0 }) {
            entries += [("ap_difference", .undefined("no anomalous voxels")), ("ap_permutation_p", .undefined("no anomalous voxels"))]
        } else {
            func pooledAP(_ cases: [PixelCaseSummary]) -> Double {
                PixelCaseSummary.pooledCounts(cases, multiplicity: nil).averagePrecision.number ?? .nan
            }
            let test = PairedPermutationTest(cases: a.count, resamples: resamples, seed: seed) { swapped in
                pooledAP(a.indices.map { swapped[$0] ? b[$0] : a[$0] }) - pooledAP(a.indices.map { swapped[$0] ? a[$0] : b[$0] })
            }
            entries += [("ap_difference", test.observed), ("ap_permutation_p", test.pValue)]
        }
        guard let threshold else {
            let reason = MetricValue.undefined("no threshold given")
            return entries + [("mean_case_dice_difference", reason), ("dice_permutation_p", reason)]
        }
        // Cases with a Dice for both methods (a case without lesions and without detections has none).
        let pairs = zip(a, b).compactMap { pair -> (Double, Double)? in
            guard let x = pair.0.counts.f1(atThreshold: threshold).number, let y = pair.1.counts.f1(atThreshold: threshold).number else {
                return nil
            }
            return (x, y)
        }
        let dice = PairedPermutationTest(meanOf: pairs.map(\.0), versus: pairs.map(\.1), resamples: resamples, seed: seed)
        return entries + [("mean_case_dice_difference", dice.observed), ("dice_permutation_p", dice.pValue)]
    }
}
