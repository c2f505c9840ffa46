import MedadNN
import MedadTensor

/// A normal model of per-pixel values: per slice-position bin and pixel, the mean and standard
/// deviation of the values seen on normal slices; a value's deviation is |v − mean| / max(std, floor).
/// `intensity` fits it on the pool's intensities; `ae` with `residual: standardized` on its signed
/// reconstruction residuals, so that pixels the autoencoder always gets wrong (tissue borders) stop
/// outscoring anomalies.
public class PixelNormalModel: Module {
    /// [bins, S·S] statistics (saved in checkpoints like weights, never trained).
    public let mean: Tensor
    public let std: Tensor
    private let bins: Int
    private let floor: Float

    /// Running sums of one fit.
    public struct Accumulator {
        fileprivate var sums: [Double]
        fileprivate var squares: [Double]
        fileprivate var counts: [Int]
    }

    public init(bins: Int, pixels: Int, floor: Double) {
        self.bins = bins
        self.floor = Float(floor)
        mean = Tensor(shape: [bins, pixels], repeating: 0)
        std = Tensor(shape: [bins, pixels], repeating: 1)
        mean.requiresGrad = false
        std.requiresGrad = false
    }

    private var pixels: Int { mean.shape[1] }

    private func bin(_ position: Float) -> Int { min(bins - 1, max(0, Int(position * Float(bins)))) }

    public func accumulator() -> Accumulator {
        Accumulator(sums: [Double](repeating: 0, count: bins * pixels), squares: [Double](repeating: 0, count: bins * pixels),
                    counts: [Int](repeating: 0, count: bins))
    }

    /// Adds `positions.count` slices of values (slice-major, `pixels` each).
    public func add(_ values: [Float], positions: [Float], to sums: inout Accumulator) {
        let pixels = self.pixels
        values.withUnsafeBufferPointer { v in
            for (s, position) in positions.enumerated() {
                let b = bin(position)
                sums.counts[b] += 1
                for i in 0..<pixels {
                    let x = Double(v[s * pixels + i])
                    sums.sums[b * pixels + i] += x
                    sums.squares[b * pixels + i] += x * x
                }
            }
        }
    }

    /// Replaces the statistics by those of the accumulated slices; an empty bin borrows the
    /// statistics of all slices.
    public func fit(_ sums: Accumulator) {
        let pixels = self.pixels
        let total = sums.counts.reduce(0, +)
        var allSums = [Double](repeating: 0, count: pixels), allSquares = allSums
        for b in 0..<bins {
            for i in 0..<pixels { allSums[i] += sums.sums[b * pixels + i]; allSquares[i] += sums.squares[b * pixels + i] }
        }
        mean.withMutableBuffer { m in
            std.withMutableBuffer { s in
                for b in 0..<bins {
                    let own = sums.counts[b] > 0
                    let n = Double(own ? sums.counts[b] : max(1, total))
                    for i in 0..<pixels {
                        let mu = (own ? sums.sums[b * pixels + i] : allSums[i]) / n
                        let second = (own ? sums.squares[b * pixels + i] : allSquares[i]) / n
                        m[b * pixels + i] = Float(mu)
                        s[b * pixels + i] = Float(max(0, second - mu * mu).squareRoot())
                    }
                }
            }
        }
    }

    /// |v − mean| / max(std, floor) for slices of values (slice-major) at `positions`.
    public func deviations(_ values: [Float], positions: [Float]) -> [Float] {
        let pixels = self.pixels
        var out = [Float](repeating: 0, count: values.count)
        out.withUnsafeMutableBufferPointer { o in
            values.withUnsafeBufferPointer { x in
                mean.withBuffer { m in
                    std.withBuffer { s in
                        for (b, position) in positions.enumerated() {
                            let row = bin(position) * pixels
                            for i in 0..<pixels {
                                o[b * pixels + i] = Swift.abs(x[b * pixels + i] - m[row + i]) / Swift.max(s[row + i], floor)
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
