// Diffusion models for unsupervised anomaly detection in brain MRI:
// - J. Wyatt et al., "AnoDDPM: Anomaly Detection with Denoising Diffusion Probabilistic Models using
//   Simplex Noise", CVPR Workshops 2022 (partial diffusion to λ, the reverse chain, simplex noise);
// - F. Behrendt et al., "Patched Diffusion Models for Unsupervised Anomaly Detection in Brain MRI",
//   MIDL 2023 (pDDPM: one-step x0 estimates, one noised box at a time with the rest as context);
// - F. Behrendt et al., "Guided Reconstruction with Conditioned Diffusion Models for Unsupervised
//   Anomaly Detection in Brain MRIs", Computers in Biology and Medicine 2025 (cDDPM; medad takes its
//   ensemble of reconstructions from several noise levels, not its conditioning on the input).
// The denoiser is any zoo network with its stem and decoder conditioned on the timestep.
import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo

/// `ddpm`'s model: the conditioned network, the timestep embedding, and the reconstruction of a slice
/// by the configured inference mode. Intensities in [0, 1] are mapped to the model's [−1, 1].
final class DiffusionModel: Module, ScoringModel {
    @Key("net") private(set) var net: EncoderDecoder
    @Key("time") private(set) var time: TimestepEmbedding
    let method: DiffusionMethod
    let schedule: NoiseSchedule
    /// Seeds the noise of inference, together with each slice's own content (see `score`).
    private let seed: UInt64

    init(_ run: RunConfig, method: DiffusionMethod, rng: inout SeededRandom) {
        self.method = method
        schedule = NoiseSchedule(method.schedule, steps: method.timesteps)
        seed = run.seed
        super.init()
        net = EncoderDecoder(backbone: run.backbone, options: run.backboneOptions, conditioning: TimestepEmbedding.width, rng: &rng)
        time = TimestepEmbedding(rng: &rng)
    }

    /// A per-sample coefficient [B, 1, 1, 1].
    private static func perSample(_ values: [Double]) -> Tensor {
        Tensor(shape: [values.count, 1, 1, 1], values: values.map(Float.init))
    }

    /// x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·noise, t per sample.
    func noised(_ x0: Tensor, noise: Tensor, timesteps: [Int]) -> Tensor {
        let coefficients = timesteps.map(schedule.marginal)
        return x0 * Self.perSample(coefficients.map(\.signal)) + noise * Self.perSample(coefficients.map(\.noise))
    }

    /// The network's output for x_t: its noise estimate or its x_0 estimate, as `method.objective` says.
    func predict(_ xt: Tensor, timesteps: [Int]) -> Tensor {
        net(xt, conditioning: time(timesteps))
    }

    /// x̂_0, clipped to the data range [−1, 1] as guided-diffusion's sampler does, and the noise it implies.
    func estimate(_ xt: Tensor, timesteps: [Int]) -> (x0: Tensor, noise: Tensor) {
        let output = predict(xt, timesteps: timesteps)
        let raw: Tensor
        switch method.objective {
        case .x0: raw = output
        case .eps:
            let c = timesteps.map(schedule.x0FromNoise)
            raw = xt * Self.perSample(c.map(\.xt)) + output * Self.perSample(c.map(\.noise))
        }
        let x0 = raw.clamp(min: -1, max: 1)
        let m = timesteps.map(schedule.marginal)
        // ε̂ = (x_t − √ᾱ·x̂_0) / √(1 − ᾱ), from the clipped x̂_0 as DDIM takes it.
        return (x0, (xt - x0 * Self.perSample(m.map(\.signal))) * Self.perSample(m.map { 1 / Swift.max($0.noise, 1e-12) }))
    }

    /// The reconstruction of slices x (model range) by the inference mode; `rng` draws all its noise.
    func reconstruct(_ x: Tensor, rng: inout SeededRandom) -> Tensor {
        let batch = x.shape[0], size = x.shape[2]
        func noise(at t: Int) -> Tensor {
            Tensor(shape: x.shape, values: method.noise.sample([Int](repeating: t, count: batch), size: size, rng: &rng))
        }
        func oneStep(at t: Int) -> Tensor {
            let steps = [Int](repeating: t, count: batch)
            return estimate(noised(x, noise: noise(at: t), timesteps: steps), timesteps: steps).x0
        }
        switch method.inference {
        case .x0:
            return oneStep(at: method.tTest)
        case .ensemble:
            let reconstructions = method.ensembleT.map(oneStep)
            return reconstructions.dropFirst().reduce(reconstructions[0], +) / Float(reconstructions.count)
        case .patched:
            let steps = [Int](repeating: method.tTest, count: batch)
            var sum = Tensor(shape: x.shape, repeating: 0), covered = Tensor(shape: [1, 1, size, size], repeating: 0)
            for box in PatchGrid.boxes(size: size, patch: method.patch, overlap: method.overlap) {
                let mask = PatchGrid.mask(box, size: size)
                let input = x * (1 - mask) + noised(x, noise: noise(at: method.tTest), timesteps: steps) * mask
                sum = sum + estimate(input, timesteps: steps).x0 * mask
                covered = covered + mask
            }
            return sum / covered
        case .chain:
            return reverseChain(from: noised(x, noise: noise(at: method.chainT), timesteps: [Int](repeating: method.chainT, count: batch)),
                                noise: noise)
        }
    }

    /// AnoDDPM's reverse chain from x_λ: every ancestral DDPM step down to 0, or `ddim_steps` DDIM steps.
    private func reverseChain(from start: Tensor, noise: (Int) -> Tensor) -> Tensor {
        let batch = start.shape[0]
        var xt = start
        if method.ddimSteps > 0 {
            let steps = NoiseSchedule.descending(from: method.chainT, count: method.ddimSteps)
            for (index, t) in steps.enumerated() {
                let (x0, eps) = estimate(xt, timesteps: [Int](repeating: t, count: batch))
                let c = schedule.ddim(to: index + 1 < steps.count ? steps[index + 1] : -1)
                xt = x0 * Float(c.x0) + eps * Float(c.noise)
            }
            return xt
        }
        for t in stride(from: method.chainT, through: 0, by: -1) {
            let (x0, _) = estimate(xt, timesteps: [Int](repeating: t, count: batch))
            guard t > 0 else { return x0 }
            let p = schedule.posterior(t)
            xt = x0 * Float(p.x0) + xt * Float(p.xt) + noise(t - 1) * Float(p.variance.squareRoot())
        }
        return xt
    }

    /// Maps |x − x̂| (or squared) and top-k image scores. Each batch's noise is drawn from the run seed
    /// and the batch's own pixels, so a slice scores the same in every run of the same weights.
    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        var rng = SeededRandom(seed: seed ^ images.withBuffer { StableHash.fnv1a64(bytes: UnsafeRawBufferPointer($0)) })
        let x = images * 2 - 1
        let difference = (reconstruct(x, rng: &rng) - x) / 2
        let maps = (method.residual == .abs ? difference.abs() : difference.square()).values
        return (maps, TopK.mean(maps, batch: images.shape[0], fraction: method.topK))
    }
}
