import MedadConfig
import MedadSupport

/// `deepsad`: Deep SAD per cell of the deepest feature grid (DeepSAD.swift).
struct DeepSADMethod: AnomalyMethod {
    static let name = "deepsad"
    static let summary = "Deep SAD hypersphere per cell of the deepest features; revealed and synthetic anomalies pushed out"
    static let usesLabels = true
    static let planarOnly: String? = "its hypersphere centre and cells are laid out on 2D feature grids"
    static let defaultLearningRate: Double? = 1e-3
    static let parameterHelp = [
        "eta": "η, the weight of the labelled terms",
        "synthetic": "use synthetic anomalies of data.generators as labelled anomalies",
    ]

    var eta = 1.0
    var synthetic = true

    init(_ r: ConfigReader) throws {
        eta = try r.double("eta", default: eta, range: 0...1000)
        synthetic = try r.bool("synthetic", default: synthetic)
    }

    var trainsOnSynthetic: Bool { synthetic }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> DeepSADModel {
        DeepSADModel(run, rng: &rng)
    }

    func makeObjective(_ model: DeepSADModel, context: MethodContext) -> MethodObjective? {
        DeepSADObjective(model: model, method: self, context: context)
    }
}
