// mambaout-s: MambaOut ("MambaOut: Do We Really Need Mamba for Vision?", Yu & Wang, CVPR 2025), a
// stack of Gated CNN blocks: Mamba's block with the selective scan taken out, and no attention. It
// asks what vit-convglu-s could not answer. That net has the same gated convolution beside global
// attention and misses the phantoms' noise anomalies, as every attention variant does, while mamba-s's
// `cross4` finds them; with attention gone too, the scan is the one thing mambaout-s lacks.
// The MLP is vit-convglu-s's, SiLU(dwconv3×3(value)) · SiLU(gate) read by fc2 (MambaOut itself uses a
// GELU and convolves part of the channels), and five blocks keep the net matched in size to vit-s.
// It misses noise too (0.67× of cnn-s over three seeds, notebooks-md/zoo-mambaout.md), so the scan is
// what finds it, not the absence of attention.
import MedadNN
import MedadSupport
import MedadTensor

/// A pre-norm Gated CNN block: x + mlp(norm(x)), its MLP a gated depthwise convolution over the grid.
public final class GatedCNNBlock: Module, TokenBlock {
    @Key("norm") public private(set) var norm: LayerNorm
    @Key("mlp") public private(set) var mlp: MLP

    public init(dim: Int, hidden: Int, rng: inout SeededRandom) {
        super.init()
        norm = LayerNorm(dim)
        mlp = MLP(dim: dim, hidden: hidden, localMixing: true, gated: true, rng: &rng)
    }

    public func callAsFunction(_ tokens: Tensor, grid: [Int]) -> Tensor {
        tokens + mlp(norm(tokens), grid: grid)
    }
}

extension TokenBody {
    /// mambaout-s's body: 5 Gated CNN blocks of width 192 with hidden 384 (vit-convglu-s's MLP).
    public static func mambaOutS(rng: inout SeededRandom) -> TokenBody {
        TokenBody(dim: 192, dims: 2, blocks: { GatedCNNBlock(dim: 192, hidden: 384, rng: &$0) }, count: 5, rng: &rng)
    }
}
