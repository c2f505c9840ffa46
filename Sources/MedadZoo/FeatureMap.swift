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
