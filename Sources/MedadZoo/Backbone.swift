import MedadSupport

/// The encoders of the zoo, by the names configs use.
public enum Backbone: String, CaseIterable {
    case cnnS = "cnn-s"
    case vitS = "vit-s"
    case mambaS = "mamba-s"

    public static var names: [String] { allCases.map(\.rawValue) }

    /// Reads a backbone name, with the allowed names in the error.
    public init(named name: String) throws {
        guard let backbone = Backbone(rawValue: name) else {
            throw MedadError("unknown backbone \"\(name)\"; expected one of \(Backbone.names.joined(separator: ", "))")
        }
        self = backbone
    }

    /// A freshly initialised encoder. `mambaScan` applies to mamba-s only.
    public func makeEncoder(mambaScan: MambaScan = .bi, rng: inout SeededRandom) -> any ImageEncoder {
        switch self {
        case .cnnS: return CNNEncoder(rng: &rng)
        case .vitS: return TokenEncoder.vitS(rng: &rng)
        case .mambaS: return TokenEncoder.mambaS(scan: mambaScan, rng: &rng)
        }
    }
}
