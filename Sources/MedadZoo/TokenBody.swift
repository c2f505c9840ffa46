import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// A block that maps tokens [B, L, D] to tokens of the same shape, given the token grid's sides
/// (outermost first, L their product) for blocks that scan it in more than one order.
public protocol TokenBlock: Module {
    func callAsFunction(_ tokens: Tensor, grid: [Int]) -> Tensor
}

/// What turns the stem's stride-4 features into the stride-8 map that becomes the tokens.
public protocol TokenMerge: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension Conv: TokenMerge {}
extension ResidualBlock: TokenMerge {}

/// The body vit-s and mamba-s (and their 3D forms) share, as TransUNet and U-Mamba place their token
/// mixers: a strided 2×2 (2×2×2) convolution merges the stem's stride-4 features into tokens at
/// stride 8 in raster order (or a given `merge`, such as vit-hybrid-s's residual conv stage), fixed
/// sine-cosine positions are added, the blocks mix the tokens, and a final LayerNorm gives the
/// stride-8 map.
public final class TokenBody: Module, EncoderBody {
    @Key("merge") public private(set) var merge: any TokenMerge
    @Key("blocks") public private(set) var blocks: [any TokenBlock]
    @Key("norm") public private(set) var norm: LayerNorm
    public let levels: [FeatureLevel]

    /// `merge` maps the stem's stride-4 channels to `dim` at stride 8; nil: the strided 2×2 convolution.
    public init(dim: Int, dims: Int, merge: (any TokenMerge)? = nil, blocks makeBlock: (inout SeededRandom) -> any TokenBlock,
                count: Int, rng: inout SeededRandom) {
        levels = [FeatureLevel(stride: 8, channels: dim)]
        super.init()
        self.merge = merge ?? Conv(ConvStem.levels(dims: dims).last!.channels, dim, kernel: 2, stride: 2, bias: true, dims: dims, rng: &rng)
        blocks = (0..<count).map { _ in makeBlock(&rng) }
        norm = LayerNorm(dim)
    }

    public func callAsFunction(_ stride4: FeatureMap) -> [FeatureMap] {
        let merged = merge(stride4.tensor)  // [B, D, grid...]
        let (b, d, grid) = (merged.shape[0], merged.shape[1], Array(merged.shape[2...]))
        let count = grid.reduce(1, *)
        var tokens = merged.reshaped([b, d, count]).transposed(1, 2) + SinCosPositions.table(grid: grid, dim: d)
        for block in blocks { tokens = block(tokens, grid: grid) }
        return [FeatureMap(norm(tokens).transposed(1, 2).reshaped(merged.shape), stride: 8)]
    }
}
