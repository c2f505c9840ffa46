import MedadSupport
import MedadVolumes

/// Makes synthetic anomalies of every `AnomalyType` on 2D slices (nz == 1) and 3D volumes.
/// Each anomaly is placed around a random brain voxel and clipped to the brain: the given mask, or
/// else the estimated head mask (`Preprocess.headMask`).
public struct AnomalyGenerator: Sendable {
    public let parameters: AnomalyParameters

    public init(parameters: AnomalyParameters = AnomalyParameters()) throws {
        try parameters.validate()
        self.parameters = parameters
    }

    /// One anomaly of `type` on `image`, drawing from `random`.
    /// - Parameters:
    ///   - foreground: optional brain mask (non-zero = brain) with the image's voxel count.
    ///   - donor: another normal image of the same dims, the foreign source of `fpi` and `pii`
    ///     (when nil they take a patch from elsewhere in `image`); ignored by the other types.
    public func make(_ type: AnomalyType, on image: Volume, foreground: [UInt8]? = nil, donor: Volume? = nil,
                     random: inout SeededRandom) throws -> SyntheticAnomaly {
        if let donor, donor.dims != image.dims {
            throw MedadError("donor: dims \(donor.dims) differ from the image's \(image.dims)")
        }
        let canvas = try AnomalyCanvas(image: image, foreground: foreground)
        switch type {
        case .sphere: return sphere(canvas, &random)
        case .noise: return noise(canvas, &random)
        case .blur: return blur(canvas, &random)
        case .fpi: return foreignPatchInterpolation(canvas, donor: donor, &random)
        case .pii: return try poissonImageInterpolation(canvas, donor: donor, &random)
        case .sinkSource: return sinkSource(canvas, &random)
        case .cutpaste: return cutPaste(canvas, &random)
        case .mirror: return mirror(canvas, &random)
        case .shuffle: return shuffle(canvas, &random)
        case .blob: return blob(canvas, &random)
        }
    }

    /// One anomaly of a type drawn uniformly from `types` (the self-supervised training use).
    public func make(oneOf types: [AnomalyType], on image: Volume, foreground: [UInt8]? = nil, donor: Volume? = nil,
                     random: inout SeededRandom) throws -> SyntheticAnomaly {
        guard !types.isEmpty else { throw MedadError("anomaly types: the list to draw from is empty") }
        let type = types[random.nextInt(types.count)]
        return try make(type, on: image, foreground: foreground, donor: donor, random: &random)
    }

    /// The same with a generator seeded by `seed`: equal seeds give identical anomalies.
    public func make(_ type: AnomalyType, on image: Volume, foreground: [UInt8]? = nil, donor: Volume? = nil,
                     seed: UInt64) throws -> SyntheticAnomaly {
        var random = SeededRandom(seed: seed)
        return try make(type, on: image, foreground: foreground, donor: donor, random: &random)
    }
}
