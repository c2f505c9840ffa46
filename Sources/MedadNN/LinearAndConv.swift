import MedadSupport
import MedadTensor

/// Fully connected layer y = x·Wᵀ + b with PyTorch's layout (weight [out, in], bias [out]) and default
/// initialisation (kaiming-uniform with a = √5, i.e. U(−1/√in, 1/√in) for weight and bias alike).
public final class Linear: Module {
    @Key("weight") public private(set) var weight: Tensor
    @Key("bias") public private(set) var bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout SeededRandom) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear needs positive sizes, got \(inFeatures) → \(outFeatures)")
        super.init()
        (weight, self.bias) = pytorchDefaultParameters(weightShape: [outFeatures, inFeatures], fanIn: inFeatures, bias: bias, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}

/// 2D or 3D convolution (`dims`) over NCHW images or NCDHW volumes with PyTorch's layout (weight
/// [out, in/groups, k, k] or [out, in/groups, k, k, k], bias [out]) and default initialisation:
/// U(−1/√fanIn, 1/√fanIn) with fanIn = in/groups · k^dims.
public final class Conv: Module {
    @Key("weight") public private(set) var weight: Tensor
    @Key("bias") public private(set) var bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let groups: Int
    /// Spatial axes: 2 (conv2d) or 3 (conv3d).
    public let dims: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1,
                bias: Bool = true, dims: Int = 2, rng: inout SeededRandom) {
        precondition(inChannels > 0 && outChannels > 0 && kernel > 0 && stride > 0 && padding >= 0 && groups > 0
                     && inChannels % groups == 0 && outChannels % groups == 0 && (dims == 2 || dims == 3),
                     "Conv(\(inChannels) → \(outChannels), kernel \(kernel), stride \(stride), padding \(padding), groups \(groups), dims \(dims)): invalid sizes")
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.dims = dims
        super.init()
        let window = [Int](repeating: kernel, count: dims)
        (weight, self.bias) = pytorchDefaultParameters(weightShape: [outChannels, inChannels / groups] + window,
                                                       fanIn: inChannels / groups * window.reduce(1, *), bias: bias, rng: &rng)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        dims == 3 ? conv3d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
                  : conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, groups: groups)
    }
}

/// A depthwise K×K convolution over tokens [B, L, C] on a 2D grid, kept token-major
/// (`depthwiseGridConv2d`). Its weight [C, 1, K, K] and bias are PyTorch's Conv2d(C, C, K, padding: K/2,
/// groups: C)'s, drawn as that layer draws them.
public final class DepthwiseGridConv: Module {
    @Key("weight") public private(set) var weight: Tensor
    @Key("bias") public private(set) var bias: Tensor?

    public init(_ channels: Int, kernel: Int, bias: Bool = true, rng: inout SeededRandom) {
        precondition(channels > 0 && kernel > 0 && kernel % 2 == 1,
                     "DepthwiseGridConv(\(channels), kernel \(kernel)): needs channels > 0 and an odd kernel")
        super.init()
        (weight, self.bias) = pytorchDefaultParameters(weightShape: [channels, 1, kernel, kernel], fanIn: kernel * kernel,
                                                       bias: bias, rng: &rng)
    }

    /// tokens [B, L, C] in raster order over `grid` [H, W].
    public func callAsFunction(_ x: Tensor, grid: [Int]) -> Tensor {
        depthwiseGridConv2d(x, grid: grid, weight: weight, bias: bias)
    }
}

/// PyTorch's default for Linear and Conv: kaiming_uniform_(a=√5) gives U(−1/√fanIn, 1/√fanIn) for the
/// weight, and the bias is drawn from the same range. Weight first, then bias, from one stream.
private func pytorchDefaultParameters(weightShape: [Int], fanIn: Int, bias: Bool, rng: inout SeededRandom) -> (Tensor, Tensor?) {
    let bound = 1 / Float(fanIn).squareRoot()
    let weight = Tensor.uniform(weightShape, low: -bound, high: bound, rng: &rng)
    weight.requiresGrad = true
    guard bias else { return (weight, nil) }
    let biasTensor = Tensor.uniform([weightShape[0]], low: -bound, high: bound, rng: &rng)
    biasTensor.requiresGrad = true
    return (weight, biasTensor)
}
