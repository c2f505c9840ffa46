import Foundation
import MedadTensor

/// Fixed 2D sine-cosine position embeddings as in MAE ("Masked Autoencoders Are Scalable Vision
/// Learners", He et al., CVPR 2022): the first half of the channels encodes the row, the second half
/// the column; within each half, D/4 sines then D/4 cosines with ω_i = 1 / 10000^(i / (D/4)).
public enum SinCosPositions {
    /// [h·w, dim] in raster order; no parameters.
    public static func table(h: Int, w: Int, dim: Int) -> Tensor {
        precondition(dim % 4 == 0, "sine-cosine positions need a dimension divisible by 4, got \(dim)")
        let quarter = dim / 4
        var values = [Float](repeating: 0, count: h * w * dim)
        for y in 0..<h {
            for x in 0..<w {
                let row = (y * w + x) * dim
                for i in 0..<quarter {
                    let omega = 1.0 / pow(10000.0, Double(i) / Double(quarter))
                    values[row + i] = Float(sin(Double(y) * omega))
                    values[row + quarter + i] = Float(cos(Double(y) * omega))
                    values[row + 2 * quarter + i] = Float(sin(Double(x) * omega))
                    values[row + 3 * quarter + i] = Float(cos(Double(x) * omega))
                }
            }
        }
        return Tensor(shape: [h * w, dim], values: values)
    }
}
