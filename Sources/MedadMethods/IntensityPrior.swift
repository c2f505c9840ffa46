// The intensity baseline as a prior of a segmentation network: M. Meissen et al., "Challenging Current
// Semi-Supervised Anomaly Segmentation Methods for Brain MRI", BrainLes 2021, find a global FLAIR
// z-score hard to beat; here it is the network's starting point instead of its rival.
import MedadTensor

/// A global normal model of the pool's brain intensities whose z-score enters the logits as
/// `scale · (z − shift)`: at initialisation the network scores as `intensity` (reference global, sign
/// high) does, and training learns what to add or take away (bright normal tissue, dark lesions).
/// The statistics are fitted, never trained, and saved in the checkpoint like weights.
final class IntensityPrior: PixelNormalModel {
    private let scale: Float
    private let shift: Float

    /// `sigmaFloor` as `intensity`'s default: only a pool of constant slices comes near it.
    init(scale: Double, shift: Double, sigmaFloor: Double = 0.05) {
        self.scale = Float(scale)
        self.shift = Float(shift)
        super.init(bins: 1, pixels: 1, floor: sigmaFloor)
    }

    /// The prior's logits for a batch [B, 1, S, S] (no gradient: the images are inputs).
    func logits(_ images: Tensor) -> Tensor {
        var values = deviations(images.values, positions: [Float](repeating: 0, count: images.shape[0]), sign: .high)
        let (scale, shift) = (self.scale, self.shift)
        values.withUnsafeMutableBufferPointer { v in
            for i in 0..<v.count { v[i] = scale * (v[i] - shift) }
        }
        return Tensor(shape: images.shape, values: values)
    }
}
