// cnn-s: residual convolutions after "Deep Residual Learning for Image Recognition" (He et al., CVPR
// 2016), with GroupNorm ("Group Normalization", Wu & He, ECCV 2018) so that small medical batches
// normalise well, and SiLU activations.
import MedadNN
import MedadSupport
import MedadTensor

/// Two 3×3 ConvNorms on the main path and a 1×1 ConvNorm on the skip when the shape changes;
/// SiLU after the sum.
public final class ResidualBlock: Module {
    @Key("conv1") public private(set) var conv1: ConvNorm
    @Key("conv2") public private(set) var conv2: ConvNorm
    @Key("skip") public private(set) var skip: ConvNorm?

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int = 1, dims: Int, rng: inout SeededRandom) {
        super.init()
        conv1 = ConvNorm(inChannels, outChannels, kernel: 3, stride: stride, dims: dims, rng: &rng)
        conv2 = ConvNorm(outChannels, outChannels, kernel: 3, dims: dims, rng: &rng)
        skip = stride == 1 && inChannels == outChannels
            ? nil : ConvNorm(inChannels, outChannels, kernel: 1, stride: stride, dims: dims, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        silu(conv2(conv1.activated(x)) + (skip.map { $0(x) } ?? x))
    }
}

extension ResidualBlock {
    /// cnn-s's first stage, the stem's stride-4 features to `width` channels at stride 8; vit-hybrid-s
    /// makes its tokens with the same stage.
    public static func fromStem(width: Int, dims: Int, rng: inout SeededRandom) -> ResidualBlock {
        ResidualBlock(ConvStem.levels(dims: dims).last!.channels, width, stride: 2, dims: dims, rng: &rng)
    }
}

/// cnn-s's body: a residual stage from the stem's stride-4 width to `width` of stride 2, then one
/// residual block at stride 8 (cnn-s: 64→192; cnn3d-s: 32→120).
public final class CNNBody: Module, EncoderBody {
    @Key("down") public private(set) var down: ResidualBlock
    @Key("blocks") public private(set) var blocks: [ResidualBlock]
    public let levels: [FeatureLevel]

    public init(width: Int, dims: Int, rng: inout SeededRandom) {
        levels = [FeatureLevel(stride: 8, channels: width)]
        super.init()
        down = .fromStem(width: width, dims: dims, rng: &rng)
        blocks = [ResidualBlock(width, width, dims: dims, rng: &rng)]
    }

    public func callAsFunction(_ stride4: FeatureMap) -> [FeatureMap] {
        [FeatureMap(blocks.reduce(down(stride4.tensor)) { x, block in block(x) }, stride: 8)]
    }
}
