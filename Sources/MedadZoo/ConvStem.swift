// The convolutional stem every backbone shares, after "Early Convolutions Help Transformers See
// Better" (Xiao et al., NeurIPS 2021) and the CNN stems of TransUNet (Chen et al., 2021) and U-Mamba
// (Ma et al., 2024): token mixers then start from local features, not raw pixels, and the decoder
// gets full-detail skips at strides 2 and 4 whatever the backbone.
import MedadNN
import MedadSupport
import MedadTensor

/// One stem stage: a stride-2 ConvNorm then a 3×3 ConvNorm, each followed by SiLU.
public final class StemStage: Module {
    @Key("down") public private(set) var down: ConvNorm
    @Key("conv") public private(set) var conv: ConvNorm

    public init(_ inChannels: Int, _ outChannels: Int, rng: inout SeededRandom) {
        super.init()
        down = ConvNorm(inChannels, outChannels, kernel: 3, stride: 2, rng: &rng)
        conv = ConvNorm(outChannels, outChannels, kernel: 3, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { conv.activated(down.activated(x)) }
}

/// Images [B, 1, H, W] → features at stride 2 (32 channels) and stride 4 (64 channels).
public final class ConvStem: Module {
    @Key("stages") public private(set) var stages: [StemStage]
    public static let levels = [FeatureLevel(stride: 2, channels: 32), FeatureLevel(stride: 4, channels: 64)]

    public init(rng: inout SeededRandom) {
        super.init()
        var inChannels = 1
        stages = ConvStem.levels.map { level in
            defer { inChannels = level.channels }
            return StemStage(inChannels, level.channels, rng: &rng)
        }
    }

    public func callAsFunction(_ images: Tensor) -> [FeatureMap] {
        var x = images
        return stages.enumerated().map { index, stage in
            x = stage(x)
            return FeatureMap(x, stride: ConvStem.levels[index].stride)
        }
    }
}
