// The trivial baseline that published work finds hard to beat on brain MRI: M. Meissen et al.,
// "Challenging Current Semi-Supervised Anomaly Segmentation Methods for Brain MRI", BrainLes 2021,
// and F. Meissen et al., "Unsupervised Anomaly Localization with Structural Feature-Autoencoders", 2022.
import MedadTensor

/// `intensity`: a voxel-wise normal intensity model. Per slice-position bin and pixel it stores the
/// mean and standard deviation of the assumed-normal pool slices; the voxel score is
/// |x − mean| / max(std, sigma_floor), the image score the mean of the top 2 % voxel scores.
/// No trainable weights: the statistics are fitted in one pass (train.steps is 0).
final class IntensityModel: PixelNormalModel, ScoringModel {
    init(config: RunConfig) {
        super.init(bins: config.method.positionBins, pixels: config.data.size * config.data.size,
                   floor: config.method.sigmaFloor)
    }

    /// Fits the statistics on every pool slice not revealed as anomalous.
    func fit(_ pool: [TrainingSlice]) {
        var sums = accumulator()
        for slice in pool where slice.label != 1 && !slice.inAnomalousVolume {
            add(slice.image, positions: [slice.position], to: &sums)
        }
        fit(sums)
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let maps = deviations(images.values, positions: positions)
        return (maps, TopK.mean(maps, batch: images.shape[0], fraction: 0.02))
    }
}
