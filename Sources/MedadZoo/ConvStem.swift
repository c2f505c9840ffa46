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

    public init(_ inChannels: Int, _ outChannels: Int, conditioning: Int = 0, rng: inout SeededRandom) {
        super.init()
        down = ConvNorm(inChannels, outChannels, kernel: 3, stride: 2, rng: &rng)
        conv = ConvNorm(outChannels, outChannels, kernel: 3, rng: &rng)
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

/// Images [B, 1, H, W] → features at stride 2 (32 channels) and stride 4 (64 channels).
public final class ConvStem: Module {
    @Key("stages") public private(set) var stages: [StemStage]
    public static let levels = [FeatureLevel(stride: 2, channels: 32), FeatureLevel(stride: 4, channels: 64)]

    /// `conditioning`: the size of a per-sample vector the normalisations take (0: none).
    public init(conditioning: Int = 0, rng: inout SeededRandom) {
        super.init()
        var inChannels = 1
        stages = ConvStem.levels.map { level in
            defer { inChannels = level.channels }
            return StemStage(inChannels, level.channels, conditioning: conditioning, rng: &rng)
        }
    }

    public func callAsFunction(_ images: Tensor, conditioning: Tensor? = nil) -> [FeatureMap] {
        var x = images
        return stages.enumerated().map { index, stage in
            x = stage(x, conditioning: conditioning)
            return FeatureMap(x, stride: ConvStem.levels[index].stride)
        }
    }
}
