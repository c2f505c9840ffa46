// The trivial baseline that published work finds hard to beat on brain MRI: M. Meissen et al.,
// "Challenging Current Semi-Supervised Anomaly Segmentation Methods for Brain MRI", BrainLes 2021,
// and F. Meissen et al., "Unsupervised Anomaly Localization with Structural Feature-Autoencoders", 2022.
import MedadNN
import MedadSupport
import MedadTensor

/// `intensity`: a voxel-wise normal intensity model. Per slice-position bin and pixel it stores the
/// mean and standard deviation of the assumed-normal pool slices; the voxel score is
/// |x − mean| / max(std, sigma_floor), the image score the mean of the top 2 % voxel scores.
/// No trainable weights: the statistics are fitted in one pass (train.steps is 0).
final class IntensityModel: Module, ScoringModel {
    /// [bins, S·S] statistics (saved in the checkpoint like weights, never trained).
    let mean: Tensor
    let std: Tensor
    private let bins: Int
    private let floor: Float

    init(config: RunConfig) {
        bins = config.method.positionBins
        floor = Float(config.method.sigmaFloor)
        let pixels = config.data.size * config.data.size
        mean = Tensor(shape: [bins, pixels], repeating: 0)
        std = Tensor(shape: [bins, pixels], repeating: 1)
        mean.requiresGrad = false
        std.requiresGrad = false
    }

    private func bin(_ position: Float) -> Int { min(bins - 1, max(0, Int(position * Float(bins)))) }

    /// Fits the statistics on every pool slice not revealed as anomalous.
    func fit(_ pool: [TrainingSlice]) {
        let pixels = mean.shape[1]
        var sum = [Double](repeating: 0, count: bins * pixels), squares = sum
        var counts = [Int](repeating: 0, count: bins)
        for slice in pool where slice.label != 1 && !slice.inAnomalousVolume {
            let b = bin(slice.position)
            counts[b] += 1
            for i in 0..<pixels {
                let v = Double(slice.image[i])
                sum[b * pixels + i] += v
                squares[b * pixels + i] += v * v
            }
        }
        // An empty bin borrows the statistics of all slices.
        let total = counts.reduce(0, +)
        var allSum = [Double](repeating: 0, count: pixels), allSquares = allSum
        for b in 0..<bins { for i in 0..<pixels { allSum[i] += sum[b * pixels + i]; allSquares[i] += squares[b * pixels + i] } }
        mean.withMutableBuffer { m in
            std.withMutableBuffer { s in
                for b in 0..<bins {
                    let (n, own) = counts[b] > 0 ? (Double(counts[b]), true) : (Double(max(1, total)), false)
                    for i in 0..<pixels {
                        let mu = (own ? sum[b * pixels + i] : allSum[i]) / n
                        let second = (own ? squares[b * pixels + i] : allSquares[i]) / n
                        m[b * pixels + i] = Float(mu)
                        s[b * pixels + i] = Float(max(0, second - mu * mu).squareRoot())
                    }
                }
            }
        }
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let pixels = mean.shape[1], batch = images.shape[0]
        var maps = [Float](repeating: 0, count: batch * pixels)
        images.withBuffer { x in
            mean.withBuffer { m in
                std.withBuffer { s in
                    for b in 0..<batch {
                        let row = bin(positions[b]) * pixels
                        for i in 0..<pixels {
                            maps[b * pixels + i] = Swift.abs(x[b * pixels + i] - m[row + i]) / Swift.max(s[row + i], floor)
                        }
                    }
                }
            }
        }
        return (maps, TopK.mean(maps, batch: batch, fraction: 0.02))
    }
}
