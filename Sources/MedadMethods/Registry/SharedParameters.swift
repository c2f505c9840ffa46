import MedadConfig

/// Parameters of the methods that segment anomalies with the shared decoder (synth, supervised, semi).
struct SegmentationParameters {
    /// Weight of the soft Dice term beside BCE.
    var diceWeight: Double = 1
    /// Image score of a slice: mean of the top `topK` fraction of its voxel scores.
    var topK: Double = 0.02

    static let help = [
        "dice_weight": "weight of the soft Dice term beside pixel-wise BCE",
        "top_k": "image score: mean of this top fraction of the voxel scores",
    ]

    init(_ r: ConfigReader) throws {
        diceWeight = try r.double("dice_weight", default: diceWeight, range: 0...100)
        topK = try r.double("top_k", default: topK, range: 1e-6...1)
    }
}

/// Parameters of a per-pixel normal model (`PixelNormalModel`): `intensity`, and `ae` with
/// standardized residuals.
struct NormalModelParameters {
    /// Lower bound of the per-voxel standard deviation.
    var sigmaFloor: Double = 0.05
    /// Slice-position bins; nil where the model has no positions (`intensity`'s global reference).
    var positionBins: Int?

    static let help = [
        "sigma_floor": "lower bound of the per-voxel standard deviation of the normal model",
        "position_bins": "slice-position bins of the normal model (per bin and pixel statistics)",
    ]

    init(_ r: ConfigReader, positions: Bool = true) throws {
        sigmaFloor = try r.double("sigma_floor", default: sigmaFloor, range: 1e-6...10)
        positionBins = positions ? try r.int("position_bins", default: 8, range: 1...512) : nil
    }
}
