import CKernels
import MedadSupport

/// AP, AUROC and best Dice of voxel scores pooled over all cases (the MOOD pixel-level definition),
/// exact (identical to sorting every (score, label) pair) and linear-time: see metrics_pooled.c.
public struct PooledRanking: Sendable {
    public let positives: Int
    public let negatives: Int
    public let distinctScores: Int
    public let averagePrecision: MetricValue
    public let auroc: MetricValue
    /// Best Dice (= F1) over all thresholds: optimistic, the threshold is chosen on the test data.
    public let bestDice: MetricValue
    public let bestDiceThreshold: MetricValue

    /// `scores[c]` in [0, 1] (clip first), `labels[c]` nonzero for anomalous voxels, one array per case.
    public init(scores: [[Float]], labels: [[UInt8]], caseNames: [String]? = nil) throws {
        precondition(scores.count == labels.count && zip(scores, labels).allSatisfy { $0.count == $1.count },
                     "every case needs as many labels as scores")
        let counts = scores.map { Int64($0.count) }
        var result = ck_ranking_result()
        let status = withBasePointers(scores) { scorePointers in
            withBasePointers(labels) { labelPointers in
                ck_metrics_pooled_ranking(scorePointers, labelPointers, counts, Int32(scores.count), &result)
            }
        }
        if status == -1 {
            let c = Int(result.bad_case), i = Int(result.bad_index)
            throw MedadError("\(ScoreChecks.caseName(c, caseNames)): voxel \(i) has score \(scores[c][i]); "
                             + "voxel scores must be finite and in [0, 1] (clip first)")
        }
        if status != 0 { throw MedadError("pooled voxel ranking: out of memory for \(counts.reduce(0, +)) voxels") }
        positives = Int(result.positives)
        negatives = Int(result.negatives)
        distinctScores = Int(result.distinct_scores)
        let noPositives = MetricValue.undefined("no anomalous voxels")
        averagePrecision = positives > 0 ? .value(result.average_precision) : noPositives
        auroc = positives == 0 ? noPositives
            : negatives == 0 ? .undefined("no normal voxels") : .value(result.auroc)
        bestDice = positives > 0 ? .value(result.best_f1) : noPositives
        bestDiceThreshold = positives > 0 ? .value(Double(result.best_f1_threshold)) : noPositives
    }
}

/// Calls `body` with the base address of every array, all valid for the duration of the call.
func withBasePointers<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>?]) -> R) -> R {
    var pointers: [UnsafePointer<T>?] = []
    pointers.reserveCapacity(arrays.count)
    func nest(_ index: Int) -> R {
        if index == arrays.count { return body(pointers) }
        return arrays[index].withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return nest(index + 1)
        }
    }
    return nest(0)
}
