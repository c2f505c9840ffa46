import MedadSupport

/// The synthetic anomaly families. Raw values are the stable names used on the command line,
/// in manifests and in per-type result tables; never rename one.
public enum AnomalyType: String, CaseIterable, Codable, Comparable, Sendable {
    /// A uniform-intensity ellipsoid (the MOOD toy-example style).
    case sphere
    /// Additive Gaussian noise inside an ellipsoid.
    case noise
    /// Foreign patch interpolation (Tan et al. 2020): a box blended linearly with a donor patch.
    case fpi
    /// Poisson image interpolation (Tan et al. 2021): donor gradients blended in by a Poisson solve.
    case pii
    /// A local radial sink or source deformation (Zimmerer et al., MOOD toy examples).
    case sinkSource = "sink_source"
    /// A Gaussian-blurred ellipsoid.
    case blur
    /// CutPaste (Li et al. 2021): a box copied from elsewhere in the same image.
    case cutpaste
    /// A box replaced by its mirrored contralateral counterpart across the x midline (x is left-right in
    /// the usual RAS/LPS storage of brain MRI).
    case mirror
    /// A box whose sub-blocks are permuted.
    case shuffle
    /// A lesion-like blob: a noise-deformed ellipsoid blended towards a textured hyper- or
    /// hypo-intensity, strongest at its centre (LesionBlob.swift).
    case blob

    public static func < (lhs: AnomalyType, rhs: AnomalyType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// All names, comma separated, for help texts and error messages.
    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Parses one name; `key` names the option or manifest key for the error message.
    public init(parsing name: String, key: String = "type") throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard let type = AnomalyType(rawValue: trimmed) else {
            throw MedadError("\(key): unknown anomaly type '\(trimmed)'; allowed: \(AnomalyType.allNames)")
        }
        self = type
    }

    /// Parses a comma list such as "sphere,fpi,pii" (or "all"); duplicates collapse, order is kept.
    public static func parseList(_ text: String, key: String = "--types") throws -> [AnomalyType] {
        if text.trimmingCharacters(in: .whitespaces) == "all" { return allCases }
        var types: [AnomalyType] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let type = try AnomalyType(parsing: String(part), key: key)
            if !types.contains(type) { types.append(type) }
        }
        return types
    }
}
