// cnn-s: a residual CNN after "Deep Residual Learning for Image Recognition" (He et al., CVPR 2016),
// with GroupNorm ("Group Normalization", Wu & He, ECCV 2018) so that small medical batches normalise
// well, and SiLU activations.
import MedadNN
import MedadSupport
import MedadTensor

/// A residual stage that halves the resolution: two 3×3 ConvNorms on the main path and a strided 1×1
/// ConvNorm on the skip, SiLU after the sum.
public final class ResidualStage: Module {
    public let conv1: ConvNorm
    public let conv2: ConvNorm
    public let skip: ConvNorm

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, rng: inout SeededRandom) {
        conv1 = ConvNorm(inChannels, outChannels, kernel: 3, stride: stride, rng: &rng)
        conv2 = ConvNorm(outChannels, outChannels, kernel: 3, rng: &rng)
        skip = ConvNorm(inChannels, outChannels, kernel: 1, stride: stride, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        silu(conv2(silu(conv1(x))) + skip(x))
    }
}

/// cnn-s (866,912 parameters): stem 1→32, then stages 32→64→128→192, each of stride 2.
public final class CNNEncoder: Module, ImageEncoder {
    public let stem: ConvNorm
    public let stages: [ResidualStage]

    public init(rng: inout SeededRandom) {
        stem = ConvNorm(1, 32, kernel: 3, rng: &rng)
        stages = [ResidualStage(32, 64, stride: 2, rng: &rng),
                  ResidualStage(64, 128, stride: 2, rng: &rng),
                  ResidualStage(128, encoderChannels, stride: 2, rng: &rng)]
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        stages.reduce(silu(stem(images))) { x, stage in stage(x) }
    }
}
