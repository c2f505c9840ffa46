import MedadNN
import MedadSupport
import MedadTensor

/// A convolution without bias followed by GroupNorm with 8 groups: the unit the CNN encoder and the
/// decoder are built from. Same padding (kernel / 2), as the reference twin.
public final class ConvNorm: Module {
    public let conv: Conv2d
    public let norm: GroupNorm

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, rng: inout SeededRandom) {
        conv = Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: kernel / 2, bias: false, rng: &rng)
        norm = GroupNorm(groups: 8, channels: outChannels)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { norm(conv(x)) }

    /// The unit applied to the nearest ×2 upsampling of x, without materialising it (3×3 stride 1 only).
    public func callAsFunction(upsampling x: Tensor) -> Tensor {
        precondition(conv.stride == 1 && conv.padding == 1 && conv.weight.shape[2...] == [3, 3],
                     "ConvNorm(upsampling:) needs a 3×3 stride-1 convolution, got weight \(conv.weight.shape) stride \(conv.stride)")
        return norm(upsampledConv3x3(x, weight: conv.weight))
    }
}
