import MedadNN
import MedadTensor

/// Which side of a normal model counts as anomalous: z = (v − mean) / max(std, floor) kept as it is
/// (`high`: brighter than normal), negated (`low`: darker) or as |z| (`abs`: either).
public enum DeviationSign: String, CaseIterable, Sendable { case high, low, abs }

/// A normal model of per-pixel values: per slice-position bin and pixel, the mean and standard
/// deviation of the values seen on normal slices; a value's deviation is its z-score
/// (v − mean) / max(std, floor), signed as `DeviationSign` says.
/// `intensity` fits it on the pool's intensities; `ae` with `residual: standardized` on its signed
/// reconstruction residuals, so that pixels the autoencoder always gets wrong (tissue borders) stop
/// outscoring anomalies. A model of one pixel (and one bin) is shared by every pixel of every slice:
/// `intensity`'s global reference, one distribution of all foreground intensities.
public class PixelNormalModel: Module {
    /// [bins, pixels] statistics (saved in checkpoints like weights, never trained).
    @Key("mean") public private(set) var mean: Tensor
    @Key("std") public private(set) var std: Tensor
    private let bins: Int
    private let floor: Float

    /// Running sums of one fit, per bin and pixel (a mask makes the counts differ between pixels).
    public struct Accumulator {
        fileprivate var sums: [Double]
        fileprivate var squares: [Double]
        fileprivate var counts: [Int]
    }

    public init(bins: Int, pixels: Int, floor: Double) {
        self.bins = bins
        self.floor = Float(floor)
        super.init()
        mean = Tensor(shape: [bins, pixels], repeating: 0)
        std = Tensor(shape: [bins, pixels], repeating: 1)
        mean.requiresGrad = false
        std.requiresGrad = false
    }

    private var pixels: Int { mean.shape[1] }

    private func bin(_ position: Float) -> Int { min(bins - 1, max(0, Int(position * Float(bins)))) }

    public func accumulator() -> Accumulator {
        Accumulator(sums: [Double](repeating: 0, count: bins * pixels), squares: [Double](repeating: 0, count: bins * pixels),
                    counts: [Int](repeating: 0, count: bins * pixels))
    }

    /// The statistics' index step per pixel of a slice of `perSlice` values: 1, or 0 when one pixel
    /// models them all.
    private func stride(perSlice: Int, slices: Int, values: Int) -> Int {
        precondition(perSlice * slices == values && (pixels == 1 || perSlice == pixels),
                     "\(values) values are not \(slices) slices of \(pixels) pixels")
        return pixels == 1 ? 0 : 1
    }

    /// Adds `positions.count` slices of values (slice-major); with `mask` (0/1, same layout) only the
    /// values where it is nonzero.
    public func add(_ values: [Float], positions: [Float], mask: [UInt8]? = nil, to sums: inout Accumulator) {
        guard !positions.isEmpty else { return }
        let per = values.count / positions.count
        let step = stride(perSlice: per, slices: positions.count, values: values.count)
        let keep = mask ?? []
        precondition(keep.isEmpty || keep.count == values.count, "mask size \(keep.count) differs from \(values.count) values")
        values.withUnsafeBufferPointer { v in
            keep.withUnsafeBufferPointer { k in
                sums.sums.withUnsafeMutableBufferPointer { total in
                    sums.squares.withUnsafeMutableBufferPointer { square in
                        sums.counts.withUnsafeMutableBufferPointer { count in
                            for (s, position) in positions.enumerated() {
                                let row = bin(position) * pixels, first = s * per
                                for i in 0..<per where k.isEmpty || k[first + i] != 0 {
                                    let x = Double(v[first + i]), e = row + i * step
                                    total[e] += x
                                    square[e] += x * x
                                    count[e] += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Replaces the statistics by those of the accumulated values; a pixel a bin never saw borrows
    /// that pixel's statistics over all bins.
    public func fit(_ sums: Accumulator) {
        let pixels = self.pixels
        var allSums = [Double](repeating: 0, count: pixels), allSquares = allSums, allCounts = [Int](repeating: 0, count: pixels)
        for b in 0..<bins {
            for i in 0..<pixels {
                allSums[i] += sums.sums[b * pixels + i]
                allSquares[i] += sums.squares[b * pixels + i]
                allCounts[i] += sums.counts[b * pixels + i]
            }
        }
        mean.withMutableBuffer { m in
            std.withMutableBuffer { s in
                for b in 0..<bins {
                    for i in 0..<pixels {
                        let e = b * pixels + i, own = sums.counts[e] > 0
                        let n = Double(own ? sums.counts[e] : max(1, allCounts[i]))
                        let mu = (own ? sums.sums[e] : allSums[i]) / n
                        let second = (own ? sums.squares[e] : allSquares[i]) / n
                        m[e] = Float(mu)
                        s[e] = Float(max(0, second - mu * mu).squareRoot())
                    }
                }
            }
        }
    }

    /// The signed z-scores (v − mean) / max(std, floor) of slices of values (slice-major) at `positions`.
    public func deviations(_ values: [Float], positions: [Float], sign: DeviationSign = .abs) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        guard !positions.isEmpty else { return out }
        let per = values.count / positions.count
        let step = stride(perSlice: per, slices: positions.count, values: values.count)
        let flip: Float = sign == .low ? -1 : 1, absolute = sign == .abs
        out.withUnsafeMutableBufferPointer { o in
            values.withUnsafeBufferPointer { x in
                mean.withBuffer { m in
                    std.withBuffer { s in
                        for (b, position) in positions.enumerated() {
                            let row = bin(position) * pixels, first = b * per
                            for i in 0..<per {
                                let z = (x[first + i] - m[row + i * step]) / Swift.max(s[row + i * step], floor)
                                o[first + i] = absolute ? Swift.abs(z) : flip * z
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

extension PixelNormalModel {
    /// Fits the statistics on the pool slices not revealed as anomalous; with `brainOnly`, on their
    /// brain voxels alone (a global model, which the background would otherwise dominate).
    func fit(normalsOf pool: [TrainingSlice], brainOnly: Bool) {
        var sums = accumulator()
        for slice in pool where slice.assumedNormal {
            add(slice.image, positions: [slice.position], mask: brainOnly ? slice.brain : nil, to: &sums)
        }
        fit(sums)
    }
}
