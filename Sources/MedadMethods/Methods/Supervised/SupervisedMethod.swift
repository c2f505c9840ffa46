import MedadConfig
import MedadSupport

/// `supervised`: plain segmentation of the revealed masks (SupervisedSegmentation.swift).
struct SupervisedMethod: AnomalyMethod {
    static let name = "supervised"
    static let summary = "segments the revealed anomalies with their masks; pool slices are negatives"
    static let usesLabels = true
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = 2e-3
    static let parameterHelp = SegmentationParameters.help.merging([
        "positive_share": "share of each batch drawn from the revealed anomalous slices",
    ]) { $1 }

    var segmentation: SegmentationParameters
    var positiveShare = 0.5

    init(_ r: ConfigReader) throws {
        segmentation = try SegmentationParameters(r)
        positiveShare = try r.double("positive_share", default: positiveShare, range: 0.01...1)
    }

    var trainsOnSynthetic: Bool { false }

    func check(_ run: RunConfig, source: String) throws {
        let unrevealed = run.data.labelRatio == 0 ? "data.label_ratio: 0 reveals no labels"
            : !run.data.masks ? "data.masks: false reveals no masks"
            : run.data.source == .folders && run.data.folders?.labelled == nil ? "data.folders.labelled: missing, so no case is labelled"
            : nil
        if let unrevealed {
            throw MedadError("\(source): \(unrevealed); method supervised trains on revealed anomalies with their masks")
        }
    }

    func check(_ context: MethodContext, source: String) throws {
        if context.sampler.labelledAnomalous.isEmpty {
            throw MedadError("\(source): data.label_ratio: method supervised trains on revealed anomalous slices with their masks, and at label_ratio \(context.config.data.labelRatio) the training pool reveals none; raise it (phantoms also need data.contamination > 0)")
        }
    }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        MapModel(run, reading: .logits, topK: segmentation.topK, rng: &rng)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        SupervisedSegmentationObjective(model: model, method: self, context: context)
    }
}
