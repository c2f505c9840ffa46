/// A CT display window as intensity normalisation: Hounsfield units inside [level − width/2,
/// level + width/2] map linearly to [0, 1], everything below to 0 and above to 1. CT intensities are
/// calibrated (water 0 HU, air −1000 HU), so a fixed window replaces the per-volume percentile scaling
/// that uncalibrated MRI needs, and an anomaly cannot shift the scale of its own volume.
public struct IntensityWindow: Sendable, Equatable {
    /// Window centre in HU.
    public let level: Double
    /// Window width in HU (positive).
    public let width: Double

    public init(level: Double, width: Double) {
        precondition(width > 0 && level.isFinite && width.isFinite, "a CT window needs a finite level and a positive width")
        self.level = level
        self.width = width
    }

    /// The radiologists' abdomen soft-tissue window, W400/L40: [−160, 240] HU. Fat (about −100 HU),
    /// water, parenchyma (40–60 HU) and contrast-enhanced vessels stay apart; air and lung are 0,
    /// dense bone is 1.
    public static let abdomenSoftTissue = IntensityWindow(level: 40, width: 400)

    public var lower: Double { level - width / 2 }
    public var upper: Double { level + width / 2 }
}

extension Preprocess {
    /// `volume` (in HU) clipped to `window` and scaled to [0, 1].
    public static func window(_ volume: Volume, _ window: IntensityWindow) -> Volume {
        let lower = Float(window.lower), scale = Float(1 / window.width)
        var out = volume
        out.voxels.withUnsafeMutableBufferPointer { voxels in
            for i in 0..<voxels.count { voxels[i] = min(max((voxels[i] - lower) * scale, 0), 1) }
        }
        return out
    }
}
