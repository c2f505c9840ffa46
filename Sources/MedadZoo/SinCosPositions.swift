import Foundation
import MedadTensor

/// Fixed sine-cosine position embeddings as in MAE ("Masked Autoencoders Are Scalable Vision
/// Learners", He et al., CVPR 2022), extended to any number of axes: the channels are split into one
/// equal part per axis, outermost axis first (row then column in 2D; depth, row, column in 3D); within
/// the part of width P, P/2 sines then P/2 cosines of the coordinate with ω_i = 1 / 10000^(i / (P/2)).
public enum SinCosPositions {
    /// [count, dim] for the grid's positions in raster order; no parameters.
    public static func table(grid: [Int], dim: Int) -> Tensor {
        let axes = grid.count
        precondition(axes >= 1 && dim % (2 * axes) == 0,
                     "sine-cosine positions over \(axes) axes need a dimension divisible by \(2 * axes), got \(dim)")
        let half = dim / (2 * axes)
        let omegas = (0..<half).map { 1.0 / pow(10000.0, Double($0) / Double(half)) }
        let count = grid.reduce(1, *)
        var values = [Float](repeating: 0, count: count * dim)
        for position in 0..<count {
            var rest = position
            for axis in stride(from: axes - 1, through: 0, by: -1) {
                let coordinate = Double(rest % grid[axis])
                rest /= grid[axis]
                let base = position * dim + axis * 2 * half
                for (i, omega) in omegas.enumerated() {
                    values[base + i] = Float(sin(coordinate * omega))
                    values[base + half + i] = Float(cos(coordinate * omega))
                }
            }
        }
        return Tensor(shape: [count, dim], values: values)
    }
}
