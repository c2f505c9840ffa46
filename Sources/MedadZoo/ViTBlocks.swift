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
// vit-glu-s and vit-sig3-s test two guesses at why attention misses the phantoms' noise anomalies
// where convolutions and Mamba's cross scan find them; neither closes that gap (notebooks-md/
// zoo-glu-sig3.md), and both stay in the zoo so that the finding can be rerun. vit-glu-s gates the
// MLP as Mamba gates its mixer: SwiGLU ("GLU Variants Improve Transformer", Shazeer, 2020), whose
// products of two projections give a token its local energy directly. vit-sig3-s weighs each 3×3
// neighbourhood's keys with independent sigmoids instead of a softmax ("Theory, Analysis, and Best
// Practices for Sigmoid Self-Attention", Ramapuram et al., ICLR 2025), so that a window is summed
// with free weights, as a convolution sums it, rather than averaged.
// vit-convglu-s tests a third: that what `cross4` has is Mamba's gated local convolution, not its scan.
// Its MLP is a Mamba mixer with the scan taken out, as MambaOut's Gated CNN block ("MambaOut: Do We
// Really Need Mamba for Vision?", Yu & Wang, CVPR 2025) and close to TransNeXt's Convolutional GLU
// (Shi, CVPR 2024): fc1 gives a value and a gate half, the value passes a depthwise 3×3 convolution
// over the token grid and a SiLU, and fc2 reads that · SiLU(gate). It misses noise as the others do
// (notebooks-md/zoo-convglu.md).
import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// How attention turns a query's scores into weights on the values.
public enum AttentionWeighting: Sendable {
    /// Weights that sum to one over the keys.
    case softmax
    /// σ(score − log n) for each of a query's n keys alone: at initialisation the weights still sum
    /// to about one, but training may raise or lower them together.
    case sigmoid
}

/// Multi-head self-attention with a fused qkv projection and an output projection, both with bias;
/// global, or with `window` over each token's neighbourhood of the grid.
public final class Attention: Module {
    @Key("qkv") public private(set) var qkv: Linear
    @Key("proj") public private(set) var proj: Linear
    let heads: Int
    let window: Int?
    let weighting: AttentionWeighting
    private var mask: (grid: [Int], table: Tensor)?

    public init(dim: Int, heads: Int, window: Int? = nil, weighting: AttentionWeighting = .softmax, rng: inout SeededRandom) {
        precondition(dim % heads == 0, "attention: dim \(dim) is not divisible by \(heads) heads")
        self.heads = heads
        self.window = window
        self.weighting = weighting
        super.init()
        qkv = Linear(dim, 3 * dim, bias: true, rng: &rng)
        proj = Linear(dim, dim, bias: true, rng: &rng)
    }

    /// tokens [B, L, D] in raster order over `grid` (L its product).
    public func callAsFunction(_ x: Tensor, grid: [Int]) -> Tensor {
        var table: Tensor?
        if let window {
            if mask?.grid != grid { mask = (grid, NeighbourhoodMask.table(grid: grid, window: window)) }
            table = mask!.table
        }
        let sigmoidShift: Float?
        switch weighting {
        case .softmax:
            sigmoidShift = nil
        case .sigmoid:
            sigmoidShift = log(Float(window.map { NeighbourhoodMask.keys(grid: grid, window: $0) } ?? grid.reduce(1, *)))
        }
        return proj(multiHeadAttention(qkv(x), heads: heads, mask: table, sigmoidShift: sigmoidShift))
    }
}

/// The transformer MLP: dim → hidden → dim with exact (erf) GELU; with `localMixing`, Mix-FFN's
/// depthwise 3×3 convolution (with bias) over the 2D token grid follows fc1. With `gated`, SwiGLU:
/// fc1 gives 2·hidden channels, a value half and a gate half, and fc2 reads value · SiLU(gate).
/// With both, Mamba's gated convolution: fc2 reads SiLU(dwconv(value)) · SiLU(gate).
public final class MLP: Module {
    @Key("fc1") public private(set) var fc1: Linear
    @Key("dwconv") public private(set) var dwconv: DepthwiseGridConv?
    @Key("fc2") public private(set) var fc2: Linear
    let gated: Bool

    public init(dim: Int, hidden: Int, localMixing: Bool = false, gated: Bool = false, rng: inout SeededRandom) {
        self.gated = gated
        super.init()
        fc1 = Linear(dim, gated ? 2 * hidden : hidden, bias: true, rng: &rng)
        dwconv = localMixing ? DepthwiseGridConv(hidden, kernel: 3, rng: &rng) : nil
        fc2 = Linear(hidden, dim, bias: true, rng: &rng)
    }

    /// tokens [B, L, D] in raster order over `grid` (L its product).
    public func callAsFunction(_ x: Tensor, grid: [Int]) -> Tensor {
        var hidden = fc1(x)
        if gated {
            let halves = hidden.split(sizes: [fc2.weight.shape[1], fc2.weight.shape[1]], axis: -1)
            let value = dwconv.map { silu($0(halves[0], grid: grid)) } ?? halves[0]
            return fc2(value * silu(halves[1]))
        }
        if let dwconv { hidden = dwconv(hidden, grid: grid) }
        return fc2(gelu(hidden))
    }
}

/// What sets one of the zoo's ViT variants apart from vit-s's blocks.
public struct ViTBlockDesign: Sendable {
    /// A depthwise 3×3 convolution in the MLP: Mix-FFN's (vit-mixffn-s), or with `gatedMLP` Mamba's
    /// gated convolution (vit-convglu-s).
    public var localMixing = false
    /// Attention over each token's window×window neighbourhood (vit-nat-s, vit-nat3-s, vit-sig3-s).
    public var window: Int?
    /// SwiGLU in place of the GELU MLP (vit-glu-s, vit-convglu-s).
    public var gatedMLP = false
    public var weighting = AttentionWeighting.softmax

    public init(localMixing: Bool = false, window: Int? = nil, gatedMLP: Bool = false, weighting: AttentionWeighting = .softmax) {
        self.localMixing = localMixing
        self.window = window
        self.gatedMLP = gatedMLP
        self.weighting = weighting
    }
}

/// A pre-norm transformer block.
public final class ViTBlock: Module, TokenBlock {
    @Key("norm1") public private(set) var norm1: LayerNorm
    @Key("attn") public private(set) var attn: Attention
    @Key("norm2") public private(set) var norm2: LayerNorm
    @Key("mlp") public private(set) var mlp: MLP

    /// A gated MLP's three matrices at hidden (2/3)·mlpRatio·dim hold the parameters of the GELU
    /// MLP's two at mlpRatio·dim, so that the variants stay matched in size.
    public init(dim: Int, heads: Int, mlpRatio: Int, design: ViTBlockDesign = ViTBlockDesign(), rng: inout SeededRandom) {
        super.init()
        norm1 = LayerNorm(dim)
        attn = Attention(dim: dim, heads: heads, window: design.window, weighting: design.weighting, rng: &rng)
        norm2 = LayerNorm(dim)
        mlp = MLP(dim: dim, hidden: design.gatedMLP ? 2 * mlpRatio * dim / 3 : mlpRatio * dim,
                  localMixing: design.localMixing, gated: design.gatedMLP, rng: &rng)
    }

    public func callAsFunction(_ tokens: Tensor, grid: [Int]) -> Tensor {
        let attended = tokens + attn(norm1(tokens), grid: grid)
        return attended + mlp(norm2(attended), grid: grid)
    }
}

extension TokenBody {
    /// vit-s's body (vit3d-s's with `dims` 3; the 2D variants' with their `design`): 3 blocks of width
    /// 192, 3 heads of 64 channels, MLP ratio 3.
    public static func vitS(dims: Int, design: ViTBlockDesign = ViTBlockDesign(), rng: inout SeededRandom) -> TokenBody {
        precondition(!design.localMixing || dims == 2, "Mix-FFN's convolution is built for a 2D token grid")
        return TokenBody(dim: 192, dims: dims,
                         blocks: { ViTBlock(dim: 192, heads: 3, mlpRatio: 3, design: design, rng: &$0) },
                         count: 3, rng: &rng)
    }

    /// vit-hybrid-s's body: cnn-s's residual stage to stride 8 (64 → 192 channels), then 2 of vit-s's blocks.
    public static func vitHybridS(rng: inout SeededRandom) -> TokenBody {
        let merge = ResidualBlock.fromStem(width: 192, dims: 2, rng: &rng)
        return TokenBody(dim: 192, dims: 2, merge: merge, blocks: { ViTBlock(dim: 192, heads: 3, mlpRatio: 3, rng: &$0) },
                         count: 2, rng: &rng)
    }
}
