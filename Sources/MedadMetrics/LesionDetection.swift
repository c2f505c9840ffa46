import CKernels
import MedadSupport

/// Lesion-wise detection of one volume at every threshold of an ascending list.
/// A ground-truth lesion (connected component of the label) is detected at threshold t when any of its
/// voxels scores >= t; a predicted component (connected component of {score >= t}) touching no lesion
/// voxel is one false positive.
public struct LesionDetectionCurve: Sendable {
    /// Ascending thresholds the counts refer to.
    public let thresholds: [Float]
    public let lesions: Int
    public let detected: [Int]
    public let falsePositives: [Int]

    /// `scores` and `lesionLabels` (from ConnectedComponents of the label mask) share `dims`.
    public init(scores: [Float], lesions: ConnectedComponents, dims: [Int], thresholds: [Float]) throws {
        precondition(scores.count == lesions.labels.count, "scores and lesion labels differ in size")
        precondition(zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 < $1 }, "thresholds must ascend")
        guard scores.count <= Int(Int32.max) else {
            throw MedadError("lesion detection: \(scores.count) voxels exceed the 2^31 limit of one volume")
        }
        var detected = [Int64](repeating: 0, count: thresholds.count)
        var falsePositives = [Int64](repeating: 0, count: thresholds.count)
        let status = detected.withUnsafeMutableBufferPointer { d in
            falsePositives.withUnsafeMutableBufferPointer { f in
                ck_lesion_detection_curve(scores, lesions.labels, Int64(lesions.count), Int64(dims[0]), Int64(dims[1]),
                                          Int64(dims[2]), thresholds, Int32(thresholds.count), d.baseAddress, f.baseAddress)
            }
        }
        guard status == 0 else { throw MedadError("lesion detection: out of memory for \(scores.count) voxels") }
        self.thresholds = thresholds
        self.lesions = lesions.count
        self.detected = detected.map(Int.init)
        self.falsePositives = falsePositives.map(Int.init)
    }
}

/// Free-response ROC over volumes that share one threshold list.
public struct FROC: Sendable {
    /// Thresholds 0.05, 0.10, ..., 1 on scores in [0, 1]: the usual fixed grid of segmentation FROC.
    /// Every distinct score would be exact, but each grid level costs a sweep over the volume's
    /// union-find forest (a few hundred ms at 256³), so the grid stays coarse.
    public static let thresholdGrid: [Float] = (1...20).map { Float($0) / 20 }

    /// The false-positive rates (per volume) FROC summaries are read at.
    public static let standardRates: [Double] = [0.5, 1, 2, 4, 8]

    public let volumes: Int
    public let lesions: Int
    /// Per threshold: detected lesions and false-positive components, summed over volumes.
    public let detected: [Int]
    public let falsePositives: [Int]

    /// Sums the curves, volume i counted `multiplicity[i]` times (nil: once each).
    public init(curves: [LesionDetectionCurve], multiplicity: [Int]? = nil) {
        let levels = curves.first?.thresholds.count ?? 0
        precondition(curves.allSatisfy { $0.thresholds.count == levels }, "curves need the same thresholds")
        var detected = [Int](repeating: 0, count: levels), falsePositives = detected
        var volumes = 0, lesions = 0
        for (i, curve) in curves.enumerated() {
            let times = multiplicity?[i] ?? 1
            if times == 0 { continue }
            volumes += times
            lesions += times * curve.lesions
            for k in 0..<levels {
                detected[k] += times * curve.detected[k]
                falsePositives[k] += times * curve.falsePositives[k]
            }
        }
        self.volumes = volumes
        self.lesions = lesions
        self.detected = detected
        self.falsePositives = falsePositives
    }

    /// Best lesion sensitivity among thresholds averaging at most `rate` false positives per volume
    /// (no interpolation; calling nothing positive is always allowed and detects nothing).
    public func sensitivity(atFalsePositivesPerVolume rate: Double) -> MetricValue {
        guard lesions > 0 else { return .undefined("no lesions") }
        var best = 0
        for k in detected.indices where Double(falsePositives[k]) <= rate * Double(volumes) {
            best = max(best, detected[k])
        }
        return .value(Double(best) / Double(lesions))
    }

    /// Mean sensitivity over `standardRates`.
    public var averageSensitivity: MetricValue {
        guard lesions > 0 else { return .undefined("no lesions") }
        let values = FROC.standardRates.compactMap { sensitivity(atFalsePositivesPerVolume: $0).number }
        return .value(values.reduce(0, +) / Double(values.count))
    }
}
