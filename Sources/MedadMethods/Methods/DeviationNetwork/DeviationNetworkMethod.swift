import MedadConfig
import MedadSupport

/// `devnet`: deviation network on top-k pooled score maps (DeviationNetwork.swift).
struct DeviationNetworkMethod: AnomalyMethod {
    static let name = "devnet"
    static let summary = "deviation loss on top-k pooled score maps; revealed and synthetic anomalies as positives"
    static let usesLabels = true
    static let planarOnly: String? = nil
    /// Its score map collapses to a constant at 5e-4 and above on the phantoms (notebooks-md/methods.md).
    static let defaultLearningRate: Double? = 1e-4
    static let parameterHelp = [
        "margin": "the deviation margin a",
        "top_k": SegmentationParameters.help["top_k"]!,
        "synthetic": "use synthetic anomalies of data.generators as labelled anomalies",
    ]

    var margin = 5.0
    var topK = 0.02
    var synthetic = true

    init(_ r: ConfigReader) throws {
        margin = try r.double("margin", default: margin, range: 0...100)
        topK = try r.double("top_k", default: topK, range: 1e-6...1)
        synthetic = try r.bool("synthetic", default: synthetic)
    }

    var trainsOnSynthetic: Bool { synthetic }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        MapModel(run, reading: .deviation, topK: topK, rng: &rng)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        DeviationNetworkObjective(model: model, method: self, context: context)
    }
}
