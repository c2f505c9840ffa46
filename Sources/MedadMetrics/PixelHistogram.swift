import Foundation
import MedadSupport

/// A test set's voxels pooled into MOOD's half-precision score bins (normal and anomalous voxels per
/// bin), stored sparse. Because the bins are exact summaries, adding the histograms of several test sets
/// gives exactly the pooled voxel AP and AUROC of all their cases together, without the volumes: a
/// report pools leave-one-volume-out folds from these files alone.
public struct PixelHistogram: Equatable, Sendable, Codable {
    /// Written beside result.json by `Runs.evaluate`.
    public static let fileName = "pixel-counts.json"

    /// Test cases summed into the histogram.
    public let cases: Int
    /// Nonempty bins, ascending: half-precision bit patterns 0x0000 (score 0) ... 0x3C00 (score 1).
    public let bins: [Int]
    public let negatives: [Int]
    public let positives: [Int]

    public init(summaries: [PixelCaseSummary]) {
        // The pooled ranking lists the nonempty bins highest first; each threshold is a bin's exact value.
        let pooled = PixelCaseSummary.pooledCounts(summaries, multiplicity: nil)
        cases = summaries.count
        bins = pooled.thresholds.reversed().map { HalfPrecisionScores.key(Float($0)) }
        negatives = pooled.negatives.reversed()
        positives = pooled.positives.reversed()
    }

    private init(cases: Int, denseNegatives: [Int], densePositives: [Int]) {
        let kept = denseNegatives.indices.filter { denseNegatives[$0] + densePositives[$0] > 0 }
        self.cases = cases
        bins = kept
        negatives = kept.map { denseNegatives[$0] }
        positives = kept.map { densePositives[$0] }
    }

    /// Both test sets' voxels in one histogram.
    public func merged(_ other: PixelHistogram) -> PixelHistogram {
        var negatives = [Int](repeating: 0, count: HalfPrecisionScores.binCount), positives = negatives
        negatives.withUnsafeMutableBufferPointer { neg in
            positives.withUnsafeMutableBufferPointer { pos in
                for histogram in [self, other] {
                    histogram.bins.withUnsafeBufferPointer { bins in
                        histogram.negatives.withUnsafeBufferPointer { sn in
                            histogram.positives.withUnsafeBufferPointer { sp in
                                for k in 0..<bins.count {
                                    neg[bins[k]] += sn[k]
                                    pos[bins[k]] += sp[k]
                                }
                            }
                        }
                    }
                }
            }
        }
        return PixelHistogram(cases: cases + other.cases, denseNegatives: negatives, densePositives: positives)
    }

    /// The voxel ranking, highest score first.
    public var counts: RankedCounts {
        RankedCounts(descendingThresholds: bins.reversed().map { Double(HalfPrecisionScores.value($0)) },
                     positives: positives.reversed(), negatives: negatives.reversed())
    }

    /// Pooled voxel AP (MOOD's pixel headline) and AUROC.
    public var averagePrecision: MetricValue { counts.averagePrecision }
    public var auroc: MetricValue { counts.auroc }

    private enum CodingKeys: String, CodingKey { case cases, bins, negatives, positives }

    /// Checks what a hand-edited or truncated file could break: bins strictly ascending within
    /// 0x0000...0x3C00, one count of each kind per bin, counts not negative.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cases = try container.decode(Int.self, forKey: .cases)
        bins = try container.decode([Int].self, forKey: .bins)
        negatives = try container.decode([Int].self, forKey: .negatives)
        positives = try container.decode([Int].self, forKey: .positives)
        let ascending = zip(bins, bins.dropFirst()).allSatisfy { $0 < $1 }
        guard negatives.count == bins.count, positives.count == bins.count, ascending,
              bins.allSatisfy({ (0...HalfPrecisionScores.oneKey).contains($0) }),
              cases >= 0, (negatives + positives).allSatisfy({ $0 >= 0 }) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: [], debugDescription: "bins must ascend within 0...\(HalfPrecisionScores.oneKey) with one non-negative count each"))
        }
    }

    /// Compact sorted-keys JSON, written atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: url)
    }

    public init(contentsOf url: URL) throws {
        do {
            self = try JSONDecoder().decode(PixelHistogram.self, from: Data(contentsOf: url))
        } catch {
            throw MedadError("\(url.path): not a pixel histogram (\(error))")
        }
    }
}
