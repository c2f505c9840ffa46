// The decoder every backbone shares: a U-Net decoder ("U-Net: Convolutional Networks for Biomedical
// Image Segmentation", Ronneberger et al., MICCAI 2015) with a skip at every scale of the pyramid,
// and optional FiLM conditioning ("FiLM: Visual Reasoning with a General Conditioning Layer", Perez
// et al., AAAI 2018) applied to its normalisations as guided-diffusion applies its timestep.
import MedadNN
import MedadSupport
import MedadTensor

/// Turns an encoder's pyramid into full-resolution maps; `conditioning` is a per-sample vector
/// [B, E] (a diffusion timestep's embedding, say), nil for decoders built without one.
public protocol PixelDecoder: Module {
    func callAsFunction(_ features: [FeatureMap], conditioning: Tensor?) -> Tensor
}

/// One decoder stage: nearest ×2 upsampling of the coarser map, concatenated with the skip of the
/// new scale when there is one, a 3×3 convolution, GroupNorm, the optional scale-and-shift, SiLU.
public final class DecoderStage: Module {
    @Key("conv") public private(set) var conv: Conv
    @Key("norm") public private(set) var norm: GroupNorm
    /// Conditioning [B, E] → (scale, shift) [B, 2·out]; h ← h·(1 + scale) + shift.
    @Key("film") public private(set) var film: Linear?

    public init(coarse: Int, skip: Int, out: Int, dims: Int, conditioning: Int, rng: inout SeededRandom) {
        super.init()
        conv = Conv(coarse + skip, out, kernel: 3, padding: 1, bias: false, dims: dims, rng: &rng)
        norm = GroupNorm(groups: 8, channels: out)
        film = conditioning > 0 ? Linear(conditioning, 2 * out, rng: &rng) : nil
    }

    public func callAsFunction(_ coarse: Tensor, skip: Tensor?, conditioning: Tensor?) -> Tensor {
        // conv(cat(up(coarse), skip)) = conv_coarse(up(coarse)) + conv_skip(skip): nothing is concatenated,
        // and the upsampled half is convolved on the coarse grid (upsampledConv), so nothing is upsampled
        // in memory either.
        let coarseChannels = coarse.shape[1]
        let filtered: Tensor
        if let skip {
            let parts = conv.weight.split(sizes: [coarseChannels, skip.shape[1]], axis: 1)
            filtered = upsampledConv(coarse, weight: parts[0]) + convolved(skip, weight: parts[1])
        } else {
            filtered = upsampledConv(coarse, weight: conv.weight)
        }
        guard let film else { return norm.activated(filtered) }
        guard let conditioning else { preconditionFailure("decoder stage: built with conditioning, called without") }
        return silu(FiLM.modulated(norm(filtered), by: film, conditioning))
    }

    private func convolved(_ x: Tensor, weight: Tensor) -> Tensor {
        conv.dims == 2 ? conv2d(x, weight: weight, padding: 1) : conv3d(x, weight: weight, padding: 1)
    }
}

/// The U-Net decoder: one stage per pyramid level from the deepest up (each with the next finer
/// level as its skip), a last stage up to full resolution, and a 1×1 convolution with bias to
/// `outChannels` maps.
public final class UNetDecoder: Module, PixelDecoder {
    @Key("stages") public private(set) var stages: [DecoderStage]
    @Key("out") public private(set) var out: Conv
    public let conditioningSize: Int

    /// `levels`: the encoder's pyramid, finest first, each level's stride twice the previous one's.
    public init(levels: [FeatureLevel], dims: Int = 2, outChannels: Int = 1, conditioning: Int = 0, rng: inout SeededRandom) {
        precondition(levels.count >= 1 && zip(levels, levels.dropFirst()).allSatisfy { $1.stride == 2 * $0.stride }
                     && levels[0].stride == 2, "UNetDecoder: the pyramid must double in stride from 2, got \(levels)")
        conditioningSize = conditioning
        super.init()
        var coarse = levels.last!.channels
        stages = levels.reversed().map { level in
            // The stage into this level's finer neighbour; its width is that neighbour's, and the
            // full-resolution stage keeps the finest level's width.
            let finer = levels.last { $0.stride == level.stride / 2 }
            let out = finer?.channels ?? levels[0].channels
            defer { coarse = out }
            return DecoderStage(coarse: coarse, skip: finer?.channels ?? 0, out: out, dims: dims, conditioning: conditioning,
                                rng: &rng)
        }
        out = Conv(levels[0].channels, outChannels, kernel: 1, bias: true, dims: dims, rng: &rng)
    }

    public func callAsFunction(_ features: [FeatureMap], conditioning: Tensor? = nil) -> Tensor {
        out(stageOutputs(features, conditioning: conditioning).last!)
    }

    /// Every stage's output, coarsest first (strides deepest/2 … 1): what `out` reads is the last.
    public func stageOutputs(_ features: [FeatureMap], conditioning: Tensor? = nil) -> [Tensor] {
        precondition((conditioning == nil) == (conditioningSize == 0),
                     "UNetDecoder: built for conditioning of size \(conditioningSize), called with \(conditioning?.shape.description ?? "none")")
        var x = features.last!.tensor
        return stages.enumerated().map { index, stage in
            let skipIndex = features.count - 2 - index
            x = stage(x, skip: skipIndex >= 0 ? features[skipIndex].tensor : nil, conditioning: conditioning)
            return x
        }
    }
}
