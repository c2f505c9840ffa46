import MedadConfig
import MedadSupport

/// `ae`: reconstruction autoencoder (objective and references in AutoencoderObjective.swift).
struct AutoencoderMethod: AnomalyMethod {
    enum Loss: String, CaseIterable { case l1, l2, ssim }
    /// How the residual becomes a voxel score: |x − x̂|, or its deviation from the residuals of normal
    /// pool slices per position bin and pixel (`PixelNormalModel`).
    enum Residual: String, CaseIterable { case abs, standardized }

    static let name = "ae"
    static let summary = "reconstruction autoencoder on the pool (labels ignored); voxel score |x − x̂|"
    static let usesLabels = false
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = 2e-3
    static let parameterHelp = [
        "loss": "reconstruction loss",
        "top_k": SegmentationParameters.help["top_k"]!,
        "residual": "abs: |x − x̂|; standardized: its z-score against normal residuals per position bin and pixel",
        "noise_std": "denoising corruption: std of coarse Gaussian noise added to the input (0: plain autoencoder)",
        "noise_cell": "cell size in pixels of the coarse noise",
    ].merging(NormalModelParameters.help) { $1 }

    var loss = Loss.l1
    var topK = 0.02
    var residual = Residual.abs
    var noiseStd = 0.0
    var noiseCell = 8
    var normal: NormalModelParameters

    init(_ r: ConfigReader) throws {
        loss = Loss(rawValue: try r.string("loss", default: loss.rawValue, allowed: Loss.allCases.map(\.rawValue)))!
        topK = try r.double("top_k", default: topK, range: 1e-6...1)
        residual = Residual(rawValue: try r.string("residual", default: residual.rawValue, allowed: Residual.allCases.map(\.rawValue)))!
        noiseStd = try r.double("noise_std", default: noiseStd, range: 0...10)
        noiseCell = try r.int("noise_cell", default: noiseCell, range: 1...512)
        normal = try NormalModelParameters(r)
    }

    var trainsOnSynthetic: Bool { false }

    func check(_ run: RunConfig, source: String) throws {
        if run.backbone.dims == 3 && residual == .standardized {
            throw MedadError("\(source): method.residual: standardized keeps a normal model per slice position and pixel, which random patches of volumes do not have; use abs with volumetric backbones")
        }
    }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        let residualNormal = residual == .standardized
            ? PixelNormalModel(bins: normal.positionBins!, pixels: run.data.size * run.data.size, floor: normal.sigmaFloor)
            : nil
        return MapModel(run, reading: .reconstruction, topK: topK, residualNormal: residualNormal, rng: &rng)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        AutoencoderObjective(model: model, method: self, context: context)
    }
}
