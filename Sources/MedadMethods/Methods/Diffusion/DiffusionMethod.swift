import MedadConfig
import MedadSupport

/// `ddpm`: a timestep-conditioned zoo network trained as a DDPM denoiser on the pool, scoring voxels by
/// how far its reconstruction of a partly noised slice is from the slice (design and references in
/// DiffusionModel.swift and notebooks-md/methods.md).
struct DiffusionMethod: AnomalyMethod {
    enum Objective: String, CaseIterable { case eps, x0 }
    enum Loss: String, CaseIterable { case l1, l2 }
    enum Inference: String, CaseIterable { case x0, patched, ensemble, chain }
    enum Residual: String, CaseIterable { case abs, squared }

    static let name = "ddpm"
    static let summary = "diffusion denoiser on the pool (labels ignored); reconstruction by x0, patched, ensemble or chain"
    static let usesLabels = false
    static let planarOnly: String? = "its denoiser, simplex noise and pDDPM patch grid are written for square slices"
    static let defaultLearningRate: Double? = 1e-3
    static let parameterHelp = [
        "schedule": "β schedule over the timesteps: linear (1e-4 to 2e-2) or cosine (Nichol & Dhariwal)",
        "timesteps": "T, the number of diffusion steps",
        "noise": "gaussian, or AnoDDPM's simplex noise",
        "octaves": "simplex noise: octaves summed",
        "persistence": "simplex noise: amplitude ratio between octaves",
        "frequency": "simplex noise: wavelength in pixels of the first octave",
        "objective": "what the network predicts: the noise (eps) or the clean slice (x0)",
        "loss": "training loss on the prediction",
        "inference": "x0: one-step x0 at t_test (pDDPM); patched: one box at a time (pDDPM); ensemble: mean over ensemble_t (cDDPM); chain: noise to chain_t and run the reverse chain (AnoDDPM)",
        "t_test": "x0 and patched: the timestep slices are noised to",
        "ensemble_t": "ensemble: the timesteps whose reconstructions are averaged",
        "patch": "patched: side of a box as a fraction of the slice side (training then noises one box per slice)",
        "overlap": "patched: overlap of neighbouring boxes as a fraction of the box side",
        "chain_t": "chain: λ, the timestep of the partial diffusion the reverse chain starts from",
        "ddim_steps": "chain: 0 walks every DDPM step from chain_t; n > 0 takes n deterministic DDIM steps",
        "residual": "voxel score: |x − x̂| or (x − x̂)²",
        "top_k": "image score: mean of this top fraction of the voxel scores",
    ]

    var schedule = NoiseSchedule.Kind.linear
    var timesteps = 1000
    var noise: DiffusionNoise
    var objective = Objective.x0
    var loss = Loss.l1
    var inference = Inference.x0
    var tTest = 500
    var ensembleT = [250, 500, 750]
    var patch = 0.5
    var overlap = 0.5
    var chainT = 250
    var ddimSteps = 0
    var residual = Residual.abs
    var topK = 0.02

    init(_ r: ConfigReader) throws {
        schedule = NoiseSchedule.Kind(rawValue: try r.string("schedule", default: schedule.rawValue,
                                                             allowed: NoiseSchedule.Kind.allCases.map(\.rawValue)))!
        timesteps = try r.int("timesteps", default: timesteps, range: 10...10_000)
        noise = DiffusionNoise(DiffusionNoise.Kind(rawValue: try r.string("noise", default: "gaussian",
                                                                          allowed: DiffusionNoise.Kind.allCases.map(\.rawValue)))!)
        noise.octaves = try r.int("octaves", default: noise.octaves, range: 1...16)
        noise.persistence = try r.double("persistence", default: noise.persistence, range: 0...1)
        noise.frequency = try r.double("frequency", default: noise.frequency, range: 1...4096)
        objective = Objective(rawValue: try r.string("objective", default: objective.rawValue, allowed: Objective.allCases.map(\.rawValue)))!
        loss = Loss(rawValue: try r.string("loss", default: loss.rawValue, allowed: Loss.allCases.map(\.rawValue)))!
        inference = Inference(rawValue: try r.string("inference", default: inference.rawValue, allowed: Inference.allCases.map(\.rawValue)))!
        // Every mode's parameters are read whatever the mode, so that a sweep over `inference` can share them.
        let lastStep = timesteps - 1
        tTest = try r.int("t_test", default: min(tTest, lastStep), range: 0...lastStep)
        ensembleT = try r.doubleList("ensemble_t", default: ensembleT.map(Double.init)).enumerated().map { index, t in
            guard t == t.rounded(), t >= 0, t <= Double(lastStep) else {
                throw r.fail("ensemble_t[\(index)]", "\(t) is not a timestep; expected whole numbers in [0, \(lastStep)]")
            }
            return Int(t)
        }
        if ensembleT.isEmpty { throw r.fail("ensemble_t", "is empty; expected at least one timestep") }
        patch = try r.double("patch", default: patch, range: 0.05...1)
        overlap = try r.double("overlap", default: overlap, range: 0...0.9)
        chainT = try r.int("chain_t", default: min(chainT, lastStep), range: 0...lastStep)
        ddimSteps = try r.int("ddim_steps", default: ddimSteps, range: 0...10_000)
        residual = Residual(rawValue: try r.string("residual", default: residual.rawValue, allowed: Residual.allCases.map(\.rawValue)))!
        topK = try r.double("top_k", default: topK, range: 1e-6...1)
    }

    var trainsOnSynthetic: Bool { false }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> DiffusionModel {
        DiffusionModel(run, method: self, rng: &rng)
    }

    func makeObjective(_ model: DiffusionModel, context: MethodContext) -> MethodObjective? {
        DiffusionObjective(model: model, method: self, context: context)
    }
}
