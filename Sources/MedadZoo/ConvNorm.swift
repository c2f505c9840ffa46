import MedadNN
import MedadSupport
import MedadTensor

/// A convolution without bias followed by GroupNorm with 8 groups: the unit the stems, the CNN body
/// and the decoder are built from. Same padding (kernel / 2), as the twin.
public final class ConvNorm: Module {
    @Key("conv") public private(set) var conv: Conv
    @Key("norm") public private(set) var norm: GroupNorm

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, rng: inout SeededRandom) {
        super.init()
        conv = Conv(inChannels, outChannels, kernel: kernel, stride: stride, padding: kernel / 2, bias: false, rng: &rng)
        norm = GroupNorm(groups: 8, channels: outChannels)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { norm(conv(x)) }

    /// `silu(self(x))`, with the normalisation and SiLU fused.
    public func activated(_ x: Tensor) -> Tensor { norm.activated(conv(x)) }
}
