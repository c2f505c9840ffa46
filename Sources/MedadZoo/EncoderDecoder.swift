import MedadNN
import MedadSupport
import MedadTensor

/// A zoo encoder with the shared U-Net decoder, named `encoder.*` and `decoder.*` exactly as the
/// PyTorch twin (interop/pytorch), so weights move between the two as safetensors files.
public final class EncoderDecoder: Module {
    @Key("encoder") public private(set) var encoder: PyramidEncoder
    @Key("decoder") public private(set) var decoder: UNetDecoder

    /// `conditioning`: the size of a per-sample vector the stem's and decoder's normalisations take (0: none);
    /// `options` nil: the backbone's defaults.
    public init(backbone: Backbone, options: BackboneOptions? = nil, outChannels: Int = 1,
                conditioning: Int = 0, rng: inout SeededRandom) {
        super.init()
        encoder = backbone.makeEncoder(options, conditioning: conditioning, rng: &rng)
        decoder = UNetDecoder(levels: encoder.levels, dims: backbone.dims, outChannels: outChannels, conditioning: conditioning,
                              rng: &rng)
    }

    /// Checkpoints of the single-scale zoo (before v2) have an 8×8 patch embedding or a decoder
    /// without skips; they cannot be mapped onto these networks.
    public override func describeForeignLayout(_ names: Set<String>) -> String? {
        let singleScale = names.contains { name in
            name.hasPrefix("decoder.ups.") || name.hasPrefix("decoder.head.") || name == "encoder.patch_embed.weight"
                || name == "encoder.stem.conv.weight"
        }
        return singleScale ? "a checkpoint of the single-scale model zoo (v1: decoder.ups.*, no skips); "
            + "this medad builds zoo v2 networks (shared stem, feature pyramid, U-Net decoder), so retrain the run" : nil
    }

    /// images [B, 1, H, W] → maps [B, out, H, W] (volumes [B, 1, D, H, W] → [B, out, D, H, W] in 3D).
    public func callAsFunction(_ images: Tensor, conditioning: Tensor? = nil) -> Tensor {
        decoder(encoder.features(images, conditioning: conditioning), conditioning: conditioning)
    }
}
