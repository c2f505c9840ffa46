// The trivial baseline that published work finds hard to beat on brain MRI: M. Meissen et al.,
// "Challenging Current Semi-Supervised Anomaly Segmentation Methods for Brain MRI", BrainLes 2021,
// and F. Meissen et al., "Unsupervised Anomaly Localization with Structural Feature-Autoencoders", 2022.
import MedadTensor

/// `intensity`: a normal intensity model fitted on the assumed-normal pool slices, with no trainable
/// weights (train.steps is 0: the statistics are fitted in one pass and stored in the checkpoint).
/// Reference `position`: per slice-position bin and pixel, the mean and standard deviation of the
/// intensities (a voxel-wise normal model, meaningful on aligned data). Reference `global`: one mean
/// and standard deviation of every brain voxel of those slices. The voxel score is the z-score
/// (x − mean) / max(std, sigma_floor), kept, negated or made absolute by `method.sign`; the image
/// score is the mean of the top 2 % voxel scores.
package final class IntensityModel: PixelNormalModel, ScoringModel {
    private let reference: IntensityMethod.Reference
    private let sign: DeviationSign

    init(_ run: RunConfig, method: IntensityMethod) {
        reference = method.reference
        sign = method.sign
        super.init(bins: method.normal.positionBins ?? 1, pixels: reference == .global ? 1 : run.data.size * run.data.size,
                   floor: method.normal.sigmaFloor)
    }

    /// The model of a config whose method is `intensity`.
    package convenience init(config run: RunConfig) {
        guard let method = run.method.method as? IntensityMethod else {
            preconditionFailure("IntensityModel: method \(run.method.name) is not intensity")
        }
        self.init(run, method: method)
    }

    /// Fits the statistics on every pool slice not revealed as anomalous.
    package func fit(_ pool: [TrainingSlice]) { fit(normalsOf: pool, brainOnly: reference == .global) }

    package func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let maps = deviations(images.values, positions: positions, sign: sign)
        return (maps, TopK.mean(maps, batch: images.shape[0], fraction: 0.02))
    }
}
