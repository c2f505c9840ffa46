// Reconstruction autoencoders for unsupervised anomaly detection in brain MRI, as reviewed by
// C. Baur et al., "Autoencoders for Unsupervised Anomaly Segmentation in Brain MR Images: A
// Comparative Study", Medical Image Analysis 2021. SSIM loss: Z. Wang et al., "Image Quality
// Assessment: From Error Visibility to Structural Similarity", IEEE TIP 2004.
import MedadSupport
import MedadTensor

/// `ae`: encoder + shared decoder trained to reconstruct pool slices (assumed normal, so it ignores
/// labels); voxel score = |x − x̂|, image score = mean of the top-k voxel scores.
final class AutoencoderObjective: ObjectiveBase<MapModel>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        var batch = SliceBatch(size: context.config.data.size)
        try context.sampler.normals(context.config.train.batch, anomalyRate: 0, into: &batch, &rng)
        let images = batch.imageTensor
        let output = net.net(images)
        switch context.config.method.loss {
        case .l1: return l1Loss(output, images)
        case .l2: return mseLoss(output, images)
        case .ssim: return 1 - Self.ssim(output, images)
        }
    }

    /// Mean SSIM over 3 × 3 windows (no padding), constants of Wang et al. for a data range of 1.
    static func ssim(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (c1, c2): (Float, Float) = (0.01 * 0.01, 0.03 * 0.03)
        func local(_ x: Tensor) -> Tensor { avgPool2d(x, kernel: 3, stride: 1) }
        let (muA, muB) = (local(a), local(b))
        let varA = local(a * a) - muA * muA
        let varB = local(b * b) - muB * muB
        let covariance = local(a * b) - muA * muB
        let numerator = (2 * muA * muB + c1) * (2 * covariance + c2)
        let denominator = (muA * muA + muB * muB + c1) * (varA + varB + c2)
        return (numerator / denominator).mean()
    }
}
