import MedadConfig
import MedadSupport

/// `synth`: self-supervised segmentation of synthetic anomalies (SyntheticSegmentation.swift).
struct SyntheticSegmentationMethod: AnomalyMethod {
    static let name = "synth"
    static let summary = "segments synthetic anomalies of data.generators pasted into pool slices (labels ignored)"
    static let usesLabels = false
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = 2e-3
    static let parameterHelp = SegmentationParameters.help

    var segmentation: SegmentationParameters

    init(_ r: ConfigReader) throws {
        segmentation = try SegmentationParameters(r)
    }

    var trainsOnSynthetic: Bool { true }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        MapModel(run, reading: .logits, topK: segmentation.topK, rng: &rng)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        SyntheticSegmentationObjective(model: model, method: self, context: context)
    }
}
