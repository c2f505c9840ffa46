import MedadSupport

/// A backbone of the zoo: the name configs use and how to build its encoder body. The shared stem
/// and decoder come with every backbone, so a new one is a body type plus one line in `allCases`.
public struct Backbone: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// Spatial dimensions: 2 for images [B, 1, H, W], 3 for volumes [B, 1, D, H, W].
    public let dims: Int
    /// One line for `medad zoo`: the token mixer and where it comes from.
    public let summary: String
    /// The options a run gets when its config does not set them.
    public let defaults: BackboneOptions
    private let makeBody: @Sendable (BackboneOptions, inout SeededRandom) -> any EncoderBody

    public init(name: String, dims: Int = 2, summary: String, defaults: BackboneOptions = BackboneOptions(),
                body: @escaping @Sendable (BackboneOptions, inout SeededRandom) -> any EncoderBody) {
        precondition(dims == 2 || dims == 3, "backbone \(name): dims \(dims) must be 2 or 3")
        self.name = name
        self.dims = dims
        self.summary = summary
        self.defaults = defaults
        makeBody = body
    }

    public static let cnnS = Backbone(name: "cnn-s", summary: "residual 3×3 convolutions") { _, rng in
        CNNBody(width: 192, dims: 2, rng: &rng)
    }
    public static let vitS = Backbone(name: "vit-s", summary: "self-attention, 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, rng: &rng)
    }
    public static let vitMixFFNS = Backbone(name: "vit-mixffn-s", summary: "self-attention with a depthwise 3×3 conv in the MLP (SegFormer's Mix-FFN), 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, design: ViTBlockDesign(localMixing: true), rng: &rng)
    }
    public static let vitNATS = Backbone(name: "vit-nat-s", summary: "self-attention over each token's 7×7 neighbourhood (NAT), 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, design: ViTBlockDesign(window: 7), rng: &rng)
    }
    /// vit-nat-s's 7×7 window covers 49 of the 64 tokens of a 64² image's 8×8 grid (the zoo's phantom
    /// experiments); vit-nat3-s's 3×3 window has a 3×3 convolution's reach at every grid size.
    public static let vitNAT3S = Backbone(name: "vit-nat3-s", summary: "self-attention over each token's 3×3 neighbourhood (NAT), 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, design: ViTBlockDesign(window: 3), rng: &rng)
    }
    public static let vitGLUS = Backbone(name: "vit-glu-s", summary: "self-attention with a SwiGLU MLP (hidden 384), 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, design: ViTBlockDesign(gatedMLP: true), rng: &rng)
    }
    public static let vitConvGLUS = Backbone(name: "vit-convglu-s", summary: "self-attention with Mamba's gated 3×3 convolution as the MLP (MambaOut's Gated CNN), 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, design: ViTBlockDesign(localMixing: true, gatedMLP: true), rng: &rng)
    }
    public static let vitSig3S = Backbone(name: "vit-sig3-s", summary: "sigmoid (unnormalised) attention over each token's 3×3 neighbourhood, 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 2, design: ViTBlockDesign(window: 3, weighting: .sigmoid), rng: &rng)
    }
    public static let vitHybridS = Backbone(name: "vit-hybrid-s", summary: "cnn-s's residual stage to stride 8, then 2 pre-norm self-attention blocks (TransUNet's hybrid)") { _, rng in
        TokenBody.vitHybridS(rng: &rng)
    }
    public static let mambaOutS = Backbone(name: "mambaout-s", summary: "no attention and no scan: 5 pre-norm Gated CNN blocks (MambaOut), Mamba's gated 3×3 convolution alone") { _, rng in
        TokenBody.mambaOutS(rng: &rng)
    }
    /// mamba-s scans `cross4` unless a config asks for `bi`: on the phantoms only cross4 keeps up with
    /// cnn-s on every anomaly type (notebooks-md/zoo-6000.md, noise 1.06× against bi's 0.50×).
    public static let mambaS = Backbone(name: "mamba-s",
                                        summary: "selective scan in four orders (VMamba's SS2D), 3 Mamba blocks; with mamba_scan bi, 4 bidirectional blocks",
                                        defaults: BackboneOptions(mambaScan: .cross4)) { options, rng in
        TokenBody.mambaS(scan: options.mambaScan, dims: 2, rng: &rng)
    }
    /// The volumetric zoo: the same design in 3D. cnn3d-s's body is 120 channels wide, not 192, so that
    /// its 27-tap convolutions leave it matched in size to the token bodies.
    public static let cnn3dS = Backbone(name: "cnn3d-s", dims: 3, summary: "residual 3×3×3 convolutions") { _, rng in
        CNNBody(width: 120, dims: 3, rng: &rng)
    }
    public static let vit3dS = Backbone(name: "vit3d-s", dims: 3, summary: "self-attention over 3D tokens, 3 pre-norm blocks") { _, rng in
        TokenBody.vitS(dims: 3, rng: &rng)
    }
    public static let mamba3dS = Backbone(name: "mamba3d-s", dims: 3,
                                          summary: "selective scan over 3D tokens in raster order, 4 bidirectional Mamba blocks") { options, rng in
        TokenBody.mambaS(scan: options.mambaScan, dims: 3, rng: &rng)
    }

    /// Image sides must be multiples of this: every body ends at stride 8, the zoo's design.
    public static let imageMultiple = 8

    /// Every backbone, in the order tables list them: the 2D ones, then the volumetric ones.
    public static let allCases: [Backbone] = [.cnnS, .vitS, .vitMixFFNS, .vitNATS, .vitNAT3S, .vitGLUS, .vitConvGLUS, .vitSig3S, .vitHybridS, .mambaOutS, .mambaS, .cnn3dS, .vit3dS, .mamba3dS]

    public static var names: [String] { allCases.map(\.name) }

    /// The backbones of `dims` spatial dimensions.
    public static func all(dims: Int) -> [Backbone] { allCases.filter { $0.dims == dims } }

    /// Checks the options against this backbone: cross4 scans a 2D grid's rows and columns.
    public func check(_ options: BackboneOptions) throws {
        if dims == 3 && options.mambaScan == .cross4 {
            throw MedadError("backbone \(name): scan cross4 orders a 2D token grid; volumetric backbones scan bi")
        }
    }

    /// Reads a backbone name, with the allowed names in the error.
    public init(named name: String) throws {
        guard let backbone = Backbone.allCases.first(where: { $0.name == name }) else {
            throw MedadError("unknown backbone \"\(name)\"; expected one of \(Backbone.names.joined(separator: ", "))")
        }
        self = backbone
    }

    /// A freshly initialised encoder: the shared stem, then this backbone's body (with its `defaults`
    /// when `options` is nil).
    public func makeEncoder(_ options: BackboneOptions? = nil, conditioning: Int = 0,
                            rng: inout SeededRandom) -> PyramidEncoder {
        let options = options ?? defaults
        return PyramidEncoder(dims: dims, body: { makeBody(options, &$0) }, conditioning: conditioning, rng: &rng)
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
