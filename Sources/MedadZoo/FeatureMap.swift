import MedadNN
import MedadTensor

/// One level of an encoder's feature pyramid, as timm's `features_only` reports it.
public struct FeatureMap {
    /// [B, channels, H/stride, W/stride]
    public let tensor: Tensor
    public let stride: Int
    public let channels: Int

    public init(_ tensor: Tensor, stride: Int) {
        self.tensor = tensor
        self.stride = stride
        channels = tensor.shape[1]
    }
}

/// Stride and channels of a pyramid level, known before any image is seen.
public struct FeatureLevel: Equatable, Sendable {
    public let stride: Int
    public let channels: Int

    public init(stride: Int, channels: Int) {
        self.stride = stride
        self.channels = channels
    }
}

/// What every backbone of the zoo is to the methods: images [B, 1, H, W] to a feature pyramid, finest
/// level first. H and W must be multiples of the deepest stride.
public protocol ImageEncoder: Module {
    var levels: [FeatureLevel] { get }
    func features(_ images: Tensor) -> [FeatureMap]
}

extension ImageEncoder {
    /// The coarsest level: the one-class and image-level methods read their embeddings from it.
    public var deepest: FeatureLevel { levels.last! }

    /// Images whose sides are multiples of this are accepted.
    public var inputMultiple: Int { deepest.stride }
}
