import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// A block that maps tokens [B, L, D] to tokens of the same shape, given the token grid (h, w) for
/// blocks that scan it in more than one order.
public protocol TokenBlock: Module {
    func callAsFunction(_ tokens: Tensor, grid: (h: Int, w: Int)) -> Tensor
}

/// The body vit-s and mamba-s share, as TransUNet and U-Mamba place their token mixers: a strided
/// 2×2 convolution merges the stem's stride-4 features into tokens at stride 8, fixed 2D sine-cosine
/// positions are added, the blocks mix the tokens, and a final LayerNorm gives the stride-8 map.
public final class TokenBody: Module, EncoderBody {
    @Key("merge") public private(set) var merge: Conv
    @Key("blocks") public private(set) var blocks: [any TokenBlock]
    @Key("norm") public private(set) var norm: LayerNorm
    public let levels: [FeatureLevel]

    public init(dim: Int, blocks makeBlock: (inout SeededRandom) -> any TokenBlock, count: Int, rng: inout SeededRandom) {
        levels = [FeatureLevel(stride: 8, channels: dim)]
        super.init()
        merge = Conv(ConvStem.levels.last!.channels, dim, kernel: 2, stride: 2, bias: true, rng: &rng)
        blocks = (0..<count).map { _ in makeBlock(&rng) }
        norm = LayerNorm(dim)
    }

    public func callAsFunction(_ stride4: FeatureMap) -> [FeatureMap] {
        let merged = merge(stride4.tensor)  // [B, D, h, w]
        let (b, d, h, w) = (merged.shape[0], merged.shape[1], merged.shape[2], merged.shape[3])
        var tokens = merged.reshaped([b, d, h * w]).transposed(1, 2) + SinCosPositions.table(h: h, w: w, dim: d)
        for block in blocks { tokens = block(tokens, grid: (h, w)) }
        return [FeatureMap(norm(tokens).transposed(1, 2).reshaped([b, d, h, w]), stride: 8)]
    }
}
