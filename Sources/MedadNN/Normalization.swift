import MedadTensor

/// GroupNorm over [N, C, ...] (PyTorch's nn.GroupNorm): `groups` groups of C/groups channels, with a
/// learnt per-channel scale and shift.
public final class GroupNorm: Module {
    @Key("weight") public private(set) var weight: Tensor
    @Key("bias") public private(set) var bias: Tensor
    public let groups: Int
    public let eps: Float

    public init(groups: Int, channels: Int, eps: Float = 1e-5) {
        precondition(groups > 0 && channels > 0 && channels % groups == 0,
                     "GroupNorm: \(channels) channels do not split into \(groups) groups")
        self.groups = groups
        self.eps = eps
        super.init()
        weight = Tensor(shape: [channels], repeating: 1)
        bias = Tensor(shape: [channels], repeating: 0)
        makeNormParameters(weight, bias)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps)
    }

    /// `silu(self(x))`, fused.
    public func activated(_ x: Tensor) -> Tensor {
        groupNormSiLU(x, groups: groups, weight: weight, bias: bias, eps: eps)
    }
}

/// LayerNorm over the last axis of size `dim` (PyTorch's nn.LayerNorm(dim)), with a learnt scale and shift.
public final class LayerNorm: Module {
    @Key("weight") public private(set) var weight: Tensor
    @Key("bias") public private(set) var bias: Tensor
    public let eps: Float

    public init(_ dim: Int, eps: Float = 1e-5) {
        precondition(dim > 0, "LayerNorm needs a positive size, got \(dim)")
        self.eps = eps
        super.init()
        weight = Tensor(shape: [dim], repeating: 1)
        bias = Tensor(shape: [dim], repeating: 0)
        makeNormParameters(weight, bias)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerNorm(x, weight: weight, bias: bias, eps: eps)
    }
}

extension Module {
    /// Norm scales and shifts train but never decay.
    fileprivate func makeNormParameters(_ weight: Tensor, _ bias: Tensor) {
        weight.requiresGrad = true
        bias.requiresGrad = true
        excludeFromWeightDecay(weight, bias)
    }
}
