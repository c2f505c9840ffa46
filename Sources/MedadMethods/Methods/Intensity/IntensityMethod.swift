import MedadConfig
import MedadSupport

/// `intensity`: the one-line intensity baseline (IntensityModel.swift); fitted, not trained.
struct IntensityMethod: AnomalyMethod {
    /// What a voxel is compared with: the normal intensities at its slice position and pixel (aligned
    /// data only), or the foreground intensity distribution of the whole pool.
    enum Reference: String, CaseIterable { case position, global }

    static let name = "intensity"
    static let summary = "z-score of each voxel against normal pool intensities (no trainable weights)"
    static let usesLabels = false
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = nil
    static let parameterHelp = [
        "reference": "position: per slice-position bin and pixel (aligned data); global: all brain voxels of the pool",
        "sign": "which deviations count: high (brighter), low (darker) or abs (either)",
    ].merging(NormalModelParameters.help) { $1 }

    var reference = Reference.position
    var sign = DeviationSign.abs
    var normal: NormalModelParameters

    init(_ r: ConfigReader) throws {
        reference = Reference(rawValue: try r.string("reference", default: reference.rawValue, allowed: Reference.allCases.map(\.rawValue)))!
        sign = DeviationSign(rawValue: try r.string("sign", default: sign.rawValue, allowed: DeviationSign.allCases.map(\.rawValue)))!
        if reference == .global && r.has("position_bins") {
            throw r.fail("position_bins", "only applies to reference \"position\"; the global reference has no positions")
        }
        normal = try NormalModelParameters(r, positions: reference == .position)
    }

    var trainsOnSynthetic: Bool { false }

    func check(_ run: RunConfig, source: String) throws {
        if run.backbone.dims == 3 && reference == .position {
            throw MedadError("\(source): method.reference: position compares each pixel with its slice position, which volumes have no equivalent of; use global with volumetric backbones")
        }
    }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> IntensityModel {
        IntensityModel(run, method: self)
    }

    func makeObjective(_ model: IntensityModel, context: MethodContext) -> MethodObjective? { nil }

    func fit(_ model: IntensityModel, pool: [TrainingSlice]) { model.fit(pool) }
}
