import MedadSupport

/// A backbone of the zoo: the name configs use and how to build its encoder body. The shared stem
/// and decoder come with every backbone, so a new one is a body type plus one line in `allCases`.
public struct Backbone: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// One line for `medad zoo`: the token mixer and where it comes from.
    public let summary: String
    private let makeBody: @Sendable (BackboneOptions, inout SeededRandom) -> any EncoderBody

    public init(name: String, summary: String,
                body: @escaping @Sendable (BackboneOptions, inout SeededRandom) -> any EncoderBody) {
        self.name = name
        self.summary = summary
        makeBody = body
    }

    public static let cnnS = Backbone(name: "cnn-s", summary: "residual 3×3 convolutions") { _, rng in CNNBody(rng: &rng) }
    public static let vitS = Backbone(name: "vit-s", summary: "self-attention, 3 pre-norm blocks") { _, rng in TokenBody.vitS(rng: &rng) }
    public static let mambaS = Backbone(name: "mamba-s", summary: "selective scan, 4 bidirectional Mamba blocks") { options, rng in
        TokenBody.mambaS(scan: options.mambaScan, rng: &rng)
    }

    /// Image sides must be multiples of this: every body ends at stride 8, the zoo's design.
    public static let imageMultiple = 8

    /// Every backbone, in the order tables list them.
    public static let allCases: [Backbone] = [.cnnS, .vitS, .mambaS]

    public static var names: [String] { allCases.map(\.name) }

    /// Reads a backbone name, with the allowed names in the error.
    public init(named name: String) throws {
        guard let backbone = Backbone.allCases.first(where: { $0.name == name }) else {
            throw MedadError("unknown backbone \"\(name)\"; expected one of \(Backbone.names.joined(separator: ", "))")
        }
        self = backbone
    }

    /// A freshly initialised encoder: the shared stem, then this backbone's body.
    public func makeEncoder(_ options: BackboneOptions = BackboneOptions(), conditioning: Int = 0,
                            rng: inout SeededRandom) -> PyramidEncoder {
        PyramidEncoder(body: { makeBody(options, &$0) }, conditioning: conditioning, rng: &rng)
    }

    public var description: String { name }
    public static func == (a: Backbone, b: Backbone) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// Choices a backbone may read; the others ignore them.
public struct BackboneOptions: Sendable, Equatable {
    public var mambaScan: MambaScan

    public init(mambaScan: MambaScan = .bi) {
        self.mambaScan = mambaScan
    }
}
