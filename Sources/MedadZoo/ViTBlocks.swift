// vit-s: a Vision Transformer after "An Image is Worth 16x16 Words: Transformers for Image Recognition
// at Scale" (Dosovitskiy et al., ICLR 2021), pre-norm, on the tokens of the shared conv stem as in
// TransUNet ("TransUNet: Transformers Make Strong Encoders for Medical Image Segmentation", Chen et
// al., 2021); see TokenBody. An MLP ratio of 3 matches it to cnn-s and mamba-s in size.
// vit-mixffn-s puts SegFormer's Mix-FFN in every block ("SegFormer: Simple and Efficient Design for
// Semantic Segmentation with Transformers", Xie et al., NeurIPS 2021): a depthwise 3×3 convolution
// over the token grid between fc1 and the GELU, the local mixing attention lacks and convolutions have.
// vit-nat-s restricts every block's attention to NAT's 7×7-token neighbourhoods (NeighbourhoodMask):
// local mixing in the token mixer itself, with vit-s's parameters unchanged; vit-nat3-s to 3×3 ones.
// vit-hybrid-s is TransUNet's hybrid proper: a convolutional stage before the transformer. cnn-s's
// first residual stage (3×3 convolutions, stride 2) replaces the linear 2×2 merge, and 2 of vit-s's
// blocks follow, so that the whole net stays matched in size.
import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// Multi-head self-attention with a fused qkv projection and an output projection, both with bias;
/// global, or with `window` over each token's neighbourhood of the grid.
public final class Attention: Module {
    @Key("qkv") public private(set) var qkv: Linear
    @Key("proj") public private(set) var proj: Linear
    let heads: Int
    let window: Int?
    private var mask: (grid: [Int], table: Tensor)?

    public init(dim: Int, heads: Int, window: Int? = nil, rng: inout SeededRandom) {
        precondition(dim % heads == 0, "attention: dim \(dim) is not divisible by \(heads) heads")
        self.heads = heads
        self.window = window
        super.init()
        qkv = Linear(dim, 3 * dim, bias: true, rng: &rng)
        proj = Linear(dim, dim, bias: true, rng: &rng)
    }

    /// tokens [B, L, D] in raster order over `grid` (L its product).
    public func callAsFunction(_ x: Tensor, grid: [Int]) -> Tensor {
        let (b, l, d) = (x.shape[0], x.shape[1], x.shape[2])
        let headDim = d / heads
        // [B, L, 3, H, Dh] -> [3, B, H, L, Dh]: one copy, then q, k, v are contiguous slices.
        let qkvHeads = qkv(x).reshaped([b, l, 3, heads, headDim]).permuted([2, 0, 3, 1, 4])
        let parts = qkvHeads.split(sizes: [1, 1, 1], axis: 0).map { $0.reshaped([b * heads, l, headDim]) }
        var scores = matmul(parts[0], parts[1], transposeB: true) * (1 / Float(headDim).squareRoot())
        if let window {
            if mask?.grid != grid { mask = (grid, NeighbourhoodMask.table(grid: grid, window: window)) }
            scores = scores + mask!.table
        }
        let mixed = matmul(softmax(scores, axis: -1), parts[2])  // [B·H, L, Dh]
        return proj(mixed.reshaped([b, heads, l, headDim]).permuted([0, 2, 1, 3]).reshaped([b, l, d]))
    }
}

/// The transformer MLP: dim → hidden → dim with exact (erf) GELU; with `localMixing`, Mix-FFN's
/// depthwise 3×3 convolution (with bias) over the 2D token grid follows fc1.
public final class MLP: Module {
    @Key("fc1") public private(set) var fc1: Linear
    @Key("dwconv") public private(set) var dwconv: DepthwiseGridConv?
    @Key("fc2") public private(set) var fc2: Linear

    public init(dim: Int, hidden: Int, localMixing: Bool = false, rng: inout SeededRandom) {
        super.init()
        fc1 = Linear(dim, hidden, bias: true, rng: &rng)
        dwconv = localMixing ? DepthwiseGridConv(hidden, kernel: 3, rng: &rng) : nil
        fc2 = Linear(hidden, dim, bias: true, rng: &rng)
    }

    /// tokens [B, L, D] in raster order over `grid` (L its product).
    public func callAsFunction(_ x: Tensor, grid: [Int]) -> Tensor {
        var hidden = fc1(x)
        if let dwconv { hidden = dwconv(hidden, grid: grid) }
        return fc2(gelu(hidden))
    }
}

/// A pre-norm transformer block.
public final class ViTBlock: Module, TokenBlock {
    @Key("norm1") public private(set) var norm1: LayerNorm
    @Key("attn") public private(set) var attn: Attention
    @Key("norm2") public private(set) var norm2: LayerNorm
    @Key("mlp") public private(set) var mlp: MLP

    public init(dim: Int, heads: Int, mlpRatio: Int, localMixing: Bool = false, window: Int? = nil, rng: inout SeededRandom) {
        super.init()
        norm1 = LayerNorm(dim)
        attn = Attention(dim: dim, heads: heads, window: window, rng: &rng)
        norm2 = LayerNorm(dim)
        mlp = MLP(dim: dim, hidden: mlpRatio * dim, localMixing: localMixing, rng: &rng)
    }

    public func callAsFunction(_ tokens: Tensor, grid: [Int]) -> Tensor {
        let attended = tokens + attn(norm1(tokens), grid: grid)
        return attended + mlp(norm2(attended), grid: grid)
    }
}

extension TokenBody {
    /// vit-s's body (vit3d-s's with `dims` 3; vit-mixffn-s's with `localMixing`; vit-nat-s's with a
    /// `window`): 3 blocks of width 192, 3 heads of 64 channels, MLP ratio 3.
    public static func vitS(dims: Int, localMixing: Bool = false, window: Int? = nil, rng: inout SeededRandom) -> TokenBody {
        precondition(!localMixing || dims == 2, "Mix-FFN's convolution is built for a 2D token grid")
        return TokenBody(dim: 192, dims: dims,
                         blocks: { ViTBlock(dim: 192, heads: 3, mlpRatio: 3, localMixing: localMixing, window: window, rng: &$0) },
                         count: 3, rng: &rng)
    }

    /// vit-hybrid-s's body: cnn-s's residual stage to stride 8 (64 → 192 channels), then 2 of vit-s's blocks.
    public static func vitHybridS(rng: inout SeededRandom) -> TokenBody {
        let merge = ResidualBlock.fromStem(width: 192, dims: 2, rng: &rng)
        return TokenBody(dim: 192, dims: 2, merge: merge, blocks: { ViTBlock(dim: 192, heads: 3, mlpRatio: 3, rng: &$0) },
                         count: 2, rng: &rng)
    }
}
