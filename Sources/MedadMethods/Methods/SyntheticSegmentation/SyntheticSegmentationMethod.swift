import MedadConfig
import MedadSupport

/// `synth`: self-supervised segmentation of synthetic anomalies (SyntheticSegmentation.swift).
struct SyntheticSegmentationMethod: AnomalyMethod {
    /// A second read of the trained network beside its logits (FeatureDensity.swift).
    enum Density: String, CaseIterable { case none, decoder, auto }

    static let name = "synth"
    static let summary = "segments synthetic anomalies of data.generators pasted into pool slices (labels ignored)"
    static let usesLabels = false
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = 2e-3
    static let parameterHelp = SegmentationParameters.help.merging([
        "trim_pool": "share of each batch's assumed-normal pixels, those the network scores highest, left out of the loss (a pool that may hold anomalies; 0 trusts it whole)",
        "density": "none: the voxel score is sigmoid(logit); decoder: z(logit) + z(Mahalanobis distance of the last decoder stage's features to a Gaussian fitted on pool slices after training), 2D only; auto: decoder when it raises the validation score that chose the weights, else none",
    ]) { $1 }

    var segmentation: SegmentationParameters
    /// Kept below a half: trimming most of the normal pixels would leave the synthetic patches as
    /// nearly the only pixels the network learns from.
    var trimPool = 0.0
    var density = Density.none

    init(_ r: ConfigReader) throws {
        segmentation = try SegmentationParameters(r)
        trimPool = try r.double("trim_pool", default: trimPool, range: 0...0.5)
        density = Density(rawValue: try r.string("density", default: density.rawValue, allowed: Density.allCases.map(\.rawValue)))!
    }

    static let afterTrainingKeys = ["density"]
    var trainsOnSynthetic: Bool { true }
    var fitsTrained: Bool { density != .none }

    func check(_ run: RunConfig, source: String) throws {
        if run.backbone.dims == 3 && density != .none {
            throw MedadError("\(source): method.density: \(density.rawValue) is fitted on 2D pool slices; use none with volumetric backbones")
        }
    }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        MapModel(run, reading: .logits, topK: segmentation.topK, withDensity: density != .none, rng: &rng)
    }

    func fitTrained(_ model: MapModel, pool: [TrainingSlice], validation: ValidationSet) throws -> JSONValue? {
        guard density == .auto else {
            model.fitDensity(pool: pool)
            return nil
        }
        return try model.fitDensityIfItValidates(pool: pool, validation: validation)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        SyntheticSegmentationObjective(model: model, method: self, context: context)
    }
}
