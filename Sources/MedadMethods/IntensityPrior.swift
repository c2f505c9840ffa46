// The intensity baseline as a prior of a segmentation network: M. Meissen et al., "Challenging Current
// Semi-Supervised Anomaly Segmentation Methods for Brain MRI", BrainLes 2021, find a global FLAIR
// z-score hard to beat; here it is the network's starting point instead of its rival.
import MedadNN
import MedadTensor

/// A global normal model of the pool's brain intensities whose z-score enters the logits as
/// `scale · z − shift`: at initialisation the network scores as `intensity` (reference global, sign
/// high) does, and training learns what to add or take away (bright normal tissue, dark lesions) and
/// how far to trust the prior (`scale` and `shift` are trained with the network; the statistics are
/// fitted once and saved in the checkpoint like weights).
package final class IntensityPrior: Module {
    @Key("normal") private(set) var normal: PixelNormalModel
    @Key("scale") package private(set) var scale: Tensor
    @Key("shift") package private(set) var shift: Tensor

    /// `sigmaFloor` as `intensity`'s default: only a pool of constant slices comes near it.
    package init(scale: Double, shift: Double, sigmaFloor: Double = 0.05) {
        super.init()
        normal = PixelNormalModel(bins: 1, pixels: 1, floor: sigmaFloor)
        self.scale = Tensor(shape: [1], values: [Float(scale)])
        self.shift = Tensor(shape: [1], values: [Float(scale * shift)])
        self.scale.requiresGrad = true
        self.shift.requiresGrad = true
    }

    /// Fits the normal model on the pool's assumed-normal brain voxels.
    package func fit(_ pool: [TrainingSlice]) { normal.fit(normalsOf: pool, brainOnly: true) }

    /// The prior's logits for a batch [B, 1, S, S]; gradients reach `scale` and `shift` only.
    package func logits(_ images: Tensor) -> Tensor {
        let z = normal.deviations(images.values, positions: [Float](repeating: 0, count: images.shape[0]), sign: .high)
        return Tensor(shape: images.shape, values: z) * scale - shift
    }
}
