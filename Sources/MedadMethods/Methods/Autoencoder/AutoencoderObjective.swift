// Reconstruction autoencoders for unsupervised anomaly detection in brain MRI, as reviewed by
// C. Baur et al., "Autoencoders for Unsupervised Anomaly Segmentation in Brain MR Images: A
// Comparative Study", Medical Image Analysis 2021. Denoising variant: A. Kascenas et al., "Denoising
// Autoencoders for Unsupervised Anomaly Detection in Brain MRI", MIDL 2022. SSIM loss: Z. Wang et al.,
// "Image Quality Assessment: From Error Visibility to Structural Similarity", IEEE TIP 2004.
import MedadSupport
import MedadTensor
import MedadVolumes

/// `ae`: encoder + shared decoder trained to reconstruct pool slices (assumed normal, so it ignores
/// labels); voxel score = |x − x̂| (or, standardized, its deviation from normal residuals), image
/// score = mean of the top-k voxel scores.
final class AutoencoderObjective: ObjectiveBase<MapModel, AutoencoderMethod>, MethodObjective {
    /// Pool slices the residual normal model is fitted on: enough for a few hundred per position bin.
    static let residualFitSlices = 2048

    func validate() throws -> (score: Double, metrics: [String: Double]) {
        if let normal = net.residualNormal { fitResiduals(normal) }
        return try context.validation.evaluate(scoring)
    }

    /// Fits the residual normal model on evenly spaced assumed-normal pool slices with the weights being
    /// judged, so that it depends on those weights alone (a resumed run refits exactly the same).
    private func fitResiduals(_ normal: PixelNormalModel) {
        let sampler = context.sampler, sides = sampler.batch().sides  // slices: `standardized` is 2D only
        let candidates = sampler.unlabelledOrNormal
        let step = max(1, candidates.count / Self.residualFitSlices)
        let chosen = stride(from: 0, to: candidates.count, by: step).prefix(Self.residualFitSlices).map { sampler.pool[candidates[$0]] }
        var sums = normal.accumulator()
        let batch = 64
        withNoGrad {
            for start in stride(from: 0, to: chosen.count, by: batch) {
                let slices = chosen[start..<min(chosen.count, start + batch)]
                let images = Tensor(shape: [slices.count, 1] + sides, values: slices.flatMap(\.image))
                normal.add((images - net.net(images)).values, positions: slices.map(\.position), to: &sums)
            }
        }
        normal.fit(sums)
    }

    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        var batch = context.sampler.batch()
        try context.sampler.normals(context.config.train.batch, anomalyRate: 0, into: &batch, &rng)
        let images = batch.imageTensor
        let input = method.noiseStd > 0
            ? images + Self.coarseNoise(batch: batch.count, sides: batch.sides, cell: method.noiseCell, std: method.noiseStd, &rng)
            : images
        let output = net.net(input)
        switch method.loss {
        case .l1: return l1Loss(output, images)
        case .l2: return mseLoss(output, images)
        case .ssim: return 1 - Self.ssim(output, images)
        }
    }

    /// Denoising corruption of Kascenas et al.: Gaussian noise drawn on a grid of one value per `cell`
    /// pixels and upsampled (bi- or tri-)linearly, so it looks like smooth blobs rather than grain;
    /// [B, 1] + `sides`.
    static func coarseNoise(batch: Int, sides: [Int], cell: Int, std: Double, _ rng: inout SeededRandom) -> Tensor {
        let dims = Array(sides.reversed()) + Array(repeating: 1, count: 3 - sides.count)
        let grid = dims.map { $0 > 1 ? max(2, ($0 + cell - 1) / cell) : 1 }
        var values = [Float]()
        values.reserveCapacity(batch * dims.reduce(1, *))
        for _ in 0..<batch {
            let coarse = (0..<grid.reduce(1, *)).map { _ in Float(std * rng.nextNormal()) }
            values += Preprocess.resample(Volume(dims: grid, voxels: coarse), to: dims).voxels
        }
        return Tensor(shape: [batch, 1] + sides, values: values)
    }

    /// Mean SSIM over 3 × 3 (3 × 3 × 3) windows (no padding), constants of Wang et al. for a data range of 1.
    static func ssim(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (c1, c2): (Float, Float) = (0.01 * 0.01, 0.03 * 0.03)
        func local(_ x: Tensor) -> Tensor { x.rank == 5 ? avgPool3d(x, kernel: 3, stride: 1) : avgPool2d(x, kernel: 3, stride: 1) }
        let (muA, muB) = (local(a), local(b))
        let varA = local(a * a) - muA * muA
        let varB = local(b * b) - muB * muB
        let covariance = local(a * b) - muA * muB
        let numerator = (2 * muA * muB + c1) * (2 * covariance + c2)
        let denominator = (muA * muA + muB * muB + c1) * (varA + varB + c2)
        return (numerator / denominator).mean()
    }
}
