import MedadNN
import MedadTensor

/// The interface every backbone of the zoo implements, so that every method works with every encoder:
/// images [B, 1, H, W] (H and W multiples of 8) to features [B, 192, H/8, W/8].
public protocol ImageEncoder: Module {
    func callAsFunction(_ images: Tensor) -> Tensor
}

/// Feature channels of every encoder of size "s".
public let encoderChannels = 192

/// Encoder output stride: features are 8 times smaller than the image on each side.
public let encoderStride = 8
