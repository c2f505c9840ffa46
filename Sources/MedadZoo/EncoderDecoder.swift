import MedadNN
import MedadSupport
import MedadTensor

/// An encoder of the zoo with the shared decoder, named `encoder.*` and `decoder.*` exactly as the
/// PyTorch twin, so weights move between the two as safetensors files.
public final class EncoderDecoder: Module {
    public let encoder: any ImageEncoder
    public let decoder: Decoder

    public init(backbone: Backbone, outChannels: Int = 1, mambaScan: MambaScan = .bi, rng: inout SeededRandom) {
        encoder = backbone.makeEncoder(mambaScan: mambaScan, rng: &rng)
        decoder = Decoder(outChannels: outChannels, rng: &rng)
    }

    /// images [B, 1, H, W] → maps [B, out, H, W].
    public func callAsFunction(_ images: Tensor) -> Tensor { decoder(encoder(images)) }

    /// Features pooled over the grid: embeddings [B, 192] for one-class and image-level heads.
    public func embed(_ images: Tensor) -> Tensor { globalAvgPool2d(encoder(images)) }
}
