// The convolutional stem every backbone shares, after "Early Convolutions Help Transformers See
// Better" (Xiao et al., NeurIPS 2021) and the CNN stems of TransUNet (Chen et al., 2021) and U-Mamba
// (Ma et al., 2024): token mixers then start from local features, not raw pixels, and the decoder
// gets full-detail skips at strides 2 and 4 whatever the backbone.
import MedadNN
import MedadSupport
import MedadTensor

/// One stem stage: a stride-2 ConvNorm then a 3×3 ConvNorm, each followed by SiLU; built with
/// conditioning, each normalisation is followed by its own FiLM scale-and-shift before the SiLU.
public final class StemStage: Module {
    @Key("down") public private(set) var down: ConvNorm
    @Key("conv") public private(set) var conv: ConvNorm
    @Key("film_down") public private(set) var filmDown: Linear?
    @Key("film_conv") public private(set) var filmConv: Linear?

    public init(_ inChannels: Int, _ outChannels: Int, dims: Int, conditioning: Int = 0, rng: inout SeededRandom) {
        super.init()
        down = ConvNorm(inChannels, outChannels, kernel: 3, stride: 2, dims: dims, rng: &rng)
        conv = ConvNorm(outChannels, outChannels, kernel: 3, dims: dims, rng: &rng)
        filmDown = conditioning > 0 ? Linear(conditioning, 2 * outChannels, rng: &rng) : nil
        filmConv = conditioning > 0 ? Linear(conditioning, 2 * outChannels, rng: &rng) : nil
    }

    public func callAsFunction(_ x: Tensor, conditioning: Tensor? = nil) -> Tensor {
        guard let filmDown, let filmConv else { return conv.activated(down.activated(x)) }
        guard let conditioning else { preconditionFailure("stem stage: built with conditioning, called without") }
        let h = silu(FiLM.modulated(down(x), by: filmDown, conditioning))
        return silu(FiLM.modulated(conv(h), by: filmConv, conditioning))
    }
}

/// Images [B, 1, H, W] → features at stride 2 (32 channels) and stride 4 (64 channels); volumes
/// [B, 1, D, H, W] → 16 and 32 channels.
public final class ConvStem: Module {
    @Key("stages") public private(set) var stages: [StemStage]
    public let levels: [FeatureLevel]

    /// The stem's levels in `dims` dimensions. In 3D every voxel of the stride-1 and stride-2 maps costs
    /// 27 taps per channel pair on 8 times as many positions as a slice's, so the volumetric stem (and the
    /// decoder stages that mirror it) is half as wide: a 64³ patch then costs about what 2D batches do.
    public static func levels(dims: Int) -> [FeatureLevel] {
        let base = dims == 3 ? 16 : 32
        return [FeatureLevel(stride: 2, channels: base), FeatureLevel(stride: 4, channels: 2 * base)]
    }

    /// `conditioning`: the size of a per-sample vector the normalisations take (0: none).
    public init(dims: Int = 2, conditioning: Int = 0, rng: inout SeededRandom) {
        levels = ConvStem.levels(dims: dims)
        super.init()
        var inChannels = 1
        stages = levels.map { level in
            defer { inChannels = level.channels }
            return StemStage(inChannels, level.channels, dims: dims, conditioning: conditioning, rng: &rng)
        }
    }

    public func callAsFunction(_ images: Tensor, conditioning: Tensor? = nil) -> [FeatureMap] {
        var x = images
        return zip(stages, levels).map { stage, level in
            x = stage(x, conditioning: conditioning)
            return FeatureMap(x, stride: level.stride)
        }
    }
}
