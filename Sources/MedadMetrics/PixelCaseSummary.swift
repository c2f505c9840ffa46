import Foundation
import MedadSupport

/// One loaded volume: dims [nx, ny, nz] (x fastest, nz == 1 for a slice) and its voxel values.
public struct ScoreVolume: Sendable {
    public var dims: [Int]
    public var voxels: [Float]

    public init(dims: [Int], voxels: [Float]) {
        precondition(dims.count == 3 && dims.reduce(1, *) == voxels.count, "dims \(dims) do not match \(voxels.count) voxels")
        self.dims = dims
        self.voxels = voxels
    }
}

/// Everything the pixel-level metrics need from one case, a few hundred kilobytes whatever the volume
/// size: score histograms of normal and anomalous voxels at MOOD's half precision, the lesion weights of
/// AUPRO, and the lesion detection curve on FROC's threshold grid.
public struct PixelCaseSummary: Sendable {
    public let name: String
    /// Normal and anomalous voxels per half-precision score bin (ascending bins).
    let negatives: [Int32]
    let positives: [Int32]
    /// Per bin, the summed 1 / (lesion size) of its anomalous voxels.
    let lesionWeights: [Double]
    /// The bins holding any voxel, ascending: a slice fills a few hundred of the 15,361, so pooling
    /// (once per bootstrap resample) walks these instead of every bin.
    let occupiedBins: [Int32]
    public let lesionCurve: LesionDetectionCurve
    public let anomalousVoxels: Int

    /// `prediction` nil counts as all zeros (MOOD's rule for missing or misshapen predictions).
    /// Labels are rounded to the nearest integer and anomalous when >= 1, like the challenge's evaluation.
    public init(name: String, prediction: [Float]?, label: ScoreVolume) throws {
        let n = label.voxels.count
        precondition(prediction == nil || prediction!.count == n, "prediction and label differ in size")
        guard let mask = PixelCaseSummary.labelMask(label.voxels) else {
            throw MedadError("\(name): label volume holds a NaN or infinite value")
        }
        var quantised = [Float](repeating: 0, count: n)
        var negatives = [Int32](repeating: 0, count: HalfPrecisionScores.binCount), positives = negatives
        var weights = [Double](repeating: 0, count: HalfPrecisionScores.binCount)
        let lesions = try ConnectedComponents(mask: mask, dims: label.dims)
        let inverseSize = lesions.sizes.map { $0 > 0 ? 1 / Double($0) : 0 }
        if let prediction {
            if let bad = prediction.firstIndex(where: { !$0.isFinite }) {
                throw MedadError("\(name): prediction voxel \(bad) is \(prediction[bad]); scores must be finite")
            }
            prediction.withUnsafeBufferPointer { scores in
                quantised.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n { out[i] = HalfPrecisionScores.value(HalfPrecisionScores.key(scores[i])) }
                }
            }
        }
        quantised.withUnsafeBufferPointer { scores in
            lesions.labels.withUnsafeBufferPointer { component in
                for i in 0..<n {
                    let key = HalfPrecisionScores.key(scores[i])
                    if component[i] > 0 {
                        positives[key] += 1
                        weights[key] += inverseSize[Int(component[i])]
                    } else {
                        negatives[key] += 1
                    }
                }
            }
        }
        self.name = name
        self.negatives = negatives
        self.positives = positives
        lesionWeights = weights
        var occupied: [Int32] = []
        for bin in 0..<HalfPrecisionScores.binCount where negatives[bin] + positives[bin] > 0 { occupied.append(Int32(bin)) }
        occupiedBins = occupied
        anomalousVoxels = lesions.sizes.dropFirst().reduce(0, +)
        lesionCurve = try LesionDetectionCurve(scores: quantised, lesions: lesions, dims: label.dims,
                                               thresholds: FROC.thresholdGrid)
    }

    /// This case's own ranking (its per-case AP, Dice, ...).
    public var counts: RankedCounts { PixelCaseSummary.pooledCounts([self], multiplicity: nil) }

    /// Histograms summed over cases, case i counted `multiplicity[i]` times (nil: once each).
    static func pooledCounts(_ cases: [PixelCaseSummary], multiplicity: [Int]?) -> RankedCounts {
        let bins = HalfPrecisionScores.binCount
        var negatives = [Int](repeating: 0, count: bins), positives = negatives
        var weights = [Double](repeating: 0, count: bins)
        negatives.withUnsafeMutableBufferPointer { neg in
            positives.withUnsafeMutableBufferPointer { pos in
                weights.withUnsafeMutableBufferPointer { w in
                    for (c, summary) in cases.enumerated() {
                        let times = multiplicity?[c] ?? 1
                        if times == 0 { continue }
                        // Bins are stored ascending; RankedCounts wants the highest score first.
                        summary.negatives.withUnsafeBufferPointer { sn in
                            summary.positives.withUnsafeBufferPointer { sp in
                                summary.lesionWeights.withUnsafeBufferPointer { sw in
                                    summary.occupiedBins.withUnsafeBufferPointer { occupied in
                                        for bin in occupied {
                                            let b = Int(bin)
                                            neg[bins - 1 - b] += times * Int(sn[b])
                                            pos[bins - 1 - b] += times * Int(sp[b])
                                            w[bins - 1 - b] += Double(times) * sw[b]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RankedCounts(descendingThresholds: HalfPrecisionScores.descendingThresholds,
                            positives: positives, negatives: negatives, positiveWeights: weights)
    }

    /// Anomalous-voxel mask (label rounded half-to-even, anomalous when >= 1); nil for a non-finite label.
    private static func labelMask(_ voxels: [Float]) -> [UInt8]? {
        var mask = [UInt8](repeating: 0, count: voxels.count)
        for (i, v) in voxels.enumerated() {
            guard v.isFinite else { return nil }
            if v.rounded(.toNearestOrEven) >= 1 { mask[i] = 1 }
        }
        return mask
    }
}
