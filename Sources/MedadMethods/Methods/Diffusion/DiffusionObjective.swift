import MedadSupport
import MedadTensor

/// `ddpm` training (Ho et al. 2020): assumed-normal pool slices, a timestep drawn uniformly per slice,
/// noise of `method.noise`, and an L1 or L2 loss between the network's output and its target (the
/// noise, or the clean slice). With `inference: patched` only one random box per slice is noised, the
/// rest stays clean as context, and the loss is taken on the box (pDDPM).
final class DiffusionObjective: ObjectiveBase<DiffusionModel, DiffusionMethod>, MethodObjective {
    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        var batch = context.sampler.batch()
        try context.sampler.normals(context.config.train.batch, anomalyRate: 0, into: &batch, &rng)
        let x0 = batch.imageTensor * 2 - 1
        let size = batch.sides[0]  // square slices: ddpm refuses volumetric backbones
        let timesteps = (0..<batch.count).map { _ in rng.nextInt(method.timesteps) }
        let noise = Tensor(shape: x0.shape, values: method.noise.sample(timesteps, size: size, rng: &rng))
        var input = net.noised(x0, noise: noise, timesteps: timesteps)
        var region: Tensor? = nil
        if method.inference == .patched {
            let boxes = (0..<batch.count).map { _ in PatchGrid.random(size: size, patch: method.patch, &rng) }
            let mask = PatchGrid.masks(boxes, size: size)
            input = x0 * (1 - mask) + input * mask
            region = mask
        }
        let error = net.predict(input, timesteps: timesteps) - (method.objective == .eps ? noise : x0)
        let perPixel = method.loss == .l1 ? error.abs() : error.square()
        guard let region else { return perPixel.mean() }
        return (perPixel * region).sum() / region.sum()
    }
}
