import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// A block that maps tokens [B, L, D] to tokens of the same shape, given the token grid (h, w) for
/// blocks that scan it in more than one order.
public protocol TokenBlock: Module {
    func callAsFunction(_ tokens: Tensor, grid: (h: Int, w: Int)) -> Tensor
}

/// The shared body of vit-s and mamba-s: an 8×8 stride-8 patch embedding with bias, fixed 2D sine-cosine
/// positions, the blocks, and a final LayerNorm, returned as a feature map [B, 192, H/8, W/8].
public final class TokenEncoder: Module, ImageEncoder {
    public let patch_embed: Conv2d
    public let blocks: [any TokenBlock]
    public let norm: LayerNorm

    public init(blocks: [any TokenBlock], rng: inout SeededRandom) {
        patch_embed = Conv2d(1, encoderChannels, kernel: encoderStride, stride: encoderStride, bias: true, rng: &rng)
        self.blocks = blocks
        norm = LayerNorm(encoderChannels)
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        let patches = patch_embed(images)  // [B, D, h, w]
        let (b, d, h, w) = (patches.shape[0], patches.shape[1], patches.shape[2], patches.shape[3])
        let positions = SinCosPositions.table(h: h, w: w, dim: d)
        var tokens = patches.reshaped([b, d, h * w]).transposed(1, 2) + positions
        for block in blocks { tokens = block(tokens, grid: (h, w)) }
        return norm(tokens).transposed(1, 2).reshaped([b, d, h, w])
    }
}

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
