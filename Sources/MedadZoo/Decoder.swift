import MedadNN
import MedadSupport
import MedadTensor

/// The decoder every backbone shares, so that pixel-level methods differ only in their encoder:
/// three times [3×3 ConvNorm, SiLU, nearest ×2] (192→128→64→32), a 3×3 ConvNorm head with SiLU, and a
/// 1×1 convolution with bias to `outChannels` maps of full resolution (323,105 parameters for 1).
public final class Decoder: Module {
    public let ups: [ConvNorm]
    public let head: ConvNorm
    public let out: Conv2d

    public init(inChannels: Int = encoderChannels, outChannels: Int = 1, rng: inout SeededRandom) {
        ups = [ConvNorm(inChannels, 128, kernel: 3, rng: &rng),
               ConvNorm(128, 64, kernel: 3, rng: &rng),
               ConvNorm(64, 32, kernel: 3, rng: &rng)]
        head = ConvNorm(32, 32, kernel: 3, rng: &rng)
        out = Conv2d(32, outChannels, kernel: 1, bias: true, rng: &rng)
    }

    public func callAsFunction(_ features: Tensor) -> Tensor {
        // Every unit after the first reads the ×2 upsampling of its input, which
        // ConvNorm(upsampling:) folds into its convolution (4/9 of the multiply-adds, same values).
        let first = silu(ups[0](features))
        let last = ups.dropFirst().reduce(first) { f, up in silu(up(upsampling: f)) }
        return out(silu(head(upsampling: last)))
    }
}
