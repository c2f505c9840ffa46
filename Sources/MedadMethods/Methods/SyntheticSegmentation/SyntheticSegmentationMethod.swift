import MedadConfig
import MedadSupport

/// `synth`: self-supervised segmentation of synthetic anomalies (SyntheticSegmentation.swift).
struct SyntheticSegmentationMethod: AnomalyMethod {
    static let name = "synth"
    static let summary = "segments synthetic anomalies of data.generators pasted into pool slices (labels ignored)"
    static let usesLabels = false
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = 2e-3
    static let parameterHelp = SegmentationParameters.help.merging([
        "trim_pool": "share of each batch's assumed-normal pixels, those the network scores highest, left out of the loss (a pool that may hold anomalies; 0 trusts it whole)",
    ]) { $1 }

    var segmentation: SegmentationParameters
    /// Kept below a half: trimming most of the normal pixels would leave the synthetic patches as
    /// nearly the only pixels the network learns from.
    var trimPool = 0.0

    init(_ r: ConfigReader) throws {
        segmentation = try SegmentationParameters(r)
        trimPool = try r.double("trim_pool", default: trimPool, range: 0...0.5)
    }

    var trainsOnSynthetic: Bool { true }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        MapModel(run, reading: .logits, topK: segmentation.topK, rng: &rng)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        SyntheticSegmentationObjective(model: model, method: self, context: context)
    }
}
