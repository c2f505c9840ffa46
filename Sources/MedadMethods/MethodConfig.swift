import MedadConfig
import MedadSupport

/// The methods of issue 6, by the names configs use.
public enum MethodName: String, CaseIterable, Sendable {
    case ae, synth, deepsad, devnet, semi, intensity, supervised

    /// Whether the method has weights the shared loop trains (`intensity` only fits statistics).
    public var isTrainable: Bool { self != .intensity }

    /// Whether the method reads revealed labels; the others ignore them and their results say so.
    public var usesLabels: Bool { [.deepsad, .devnet, .semi, .supervised].contains(self) }

    /// `train.lr` when a config gives none: the rate that trained each method on the phantoms
    /// (notebooks-md/methods.md; `devnet`'s score map collapses to a constant at 5e-4 and above).
    public var defaultLearningRate: Double {
        switch self {
        case .ae, .synth, .semi, .supervised: return 2e-3
        case .deepsad, .intensity: return 1e-3
        case .devnet: return 1e-4
        }
    }
}

/// `method`: the name and that method's own parameters (README "Run configs" lists them per method).
/// A parameter of another method is an unknown key.
public struct MethodConfig {
    public enum AELoss: String, CaseIterable { case l1, l2, ssim }
    /// ae: how the residual becomes a voxel score: |x − x̂|, or its deviation from the residuals of
    /// normal pool slices per position bin and pixel (`PixelNormalModel`).
    public enum AEResidual: String, CaseIterable { case abs, standardized }
    /// intensity: what a voxel is compared with: the normal intensities at its slice position and pixel
    /// (aligned data only), or the foreground intensity distribution of the whole pool.
    public enum IntensityReference: String, CaseIterable { case position, global }
    public var name: MethodName
    /// The name result.json and reports give the run (default: `name`), so that variants of one method,
    /// such as `intensity` with `reference: global`, are rows of their own.
    public var label: String
    /// ae: reconstruction loss.
    public var loss: AELoss = .l1
    public var residual: AEResidual = .abs
    /// ae: denoising corruption, the standard deviation of coarse Gaussian noise added to the input
    /// (0: a plain autoencoder) and its cell size in pixels.
    public var noiseStd: Double = 0
    public var noiseCell = 8
    /// Image score of a slice: mean of the top `topK` fraction of its voxel scores (ae, devnet, semi).
    public var topK: Double = 0.02
    /// synth, semi, supervised: weight of the soft Dice term beside BCE.
    public var diceWeight: Double = 1
    /// supervised: share of each batch drawn from the revealed anomalous slices (the rest are
    /// assumed-normal pool slices).
    public var positiveShare: Double = 0.5
    /// deepsad: η, the weight of labelled terms.
    public var eta: Double = 1
    /// devnet: the deviation margin a.
    public var margin: Double = 5
    /// deepsad, devnet, semi: use synthetic anomalies of `data.generators` as labelled anomalies.
    public var synthetic = true
    /// semi: supervised terms on revealed labels and masks.
    public var supervised = true
    /// semi: mean-teacher pseudo-labels on the unlabelled pool.
    public var teacher = true
    /// semi: drop unlabelled slices the teacher scores as anomalous from the normal bases.
    public var filterPool = true
    /// semi: DevNet-style image head on top-k pooled maps (off by default: it held pixel AP at chance
    /// on phantoms, notebooks-md/methods.md).
    public var imageHead = false
    /// semi: teacher EMA decay and the confidence thresholds of its pseudo-labels.
    public var teacherDecay: Double = 0.99
    public var confidentHigh: Double = 0.9
    public var confidentLow: Double = 0.1
    /// semi: weight of the pseudo-label term (ramped up over the first half of training).
    public var pseudoWeight: Double = 0.5
    /// intensity, and ae with standardized residuals: lower bound of the per-voxel standard deviation,
    /// and the slice-position bins.
    public var sigmaFloor: Double = 0.05
    public var positionBins = 8
    /// intensity: the reference distribution and which deviations from it count (`abs`: both sides,
    /// what configs without `sign` meant).
    public var reference: IntensityReference = .position
    public var sign: DeviationSign = .abs

    init(_ r: ConfigReader) throws {
        name = MethodName(rawValue: try r.string("name", allowed: MethodName.allCases.map(\.rawValue)))!
        label = try r.string("label", default: name.rawValue)
        guard !label.isEmpty, label.count <= 64, label.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw r.fail("label", "\"\(ConfigText.clipped(label))\" is not a label; expected 1 to 64 letters, digits, '-', '_' or '.'")
        }
        switch name {
        case .ae:
            loss = AELoss(rawValue: try r.string("loss", default: "l1", allowed: AELoss.allCases.map(\.rawValue)))!
            topK = try r.double("top_k", default: topK, range: 1e-6...1)
            residual = AEResidual(rawValue: try r.string("residual", default: "abs", allowed: AEResidual.allCases.map(\.rawValue)))!
            noiseStd = try r.double("noise_std", default: noiseStd, range: 0...10)
            noiseCell = try r.int("noise_cell", default: noiseCell, range: 1...512)
            try readNormalModel(r)
        case .synth:
            try readSegmentation(r)
        case .supervised:
            try readSegmentation(r)
            positiveShare = try r.double("positive_share", default: positiveShare, range: 0.01...1)
        case .deepsad:
            eta = try r.double("eta", default: eta, range: 0...1000)
            synthetic = try r.bool("synthetic", default: synthetic)
        case .devnet:
            margin = try r.double("margin", default: margin, range: 0...100)
            topK = try r.double("top_k", default: topK, range: 1e-6...1)
            synthetic = try r.bool("synthetic", default: synthetic)
        case .semi:
            try readSegmentation(r)
            synthetic = try r.bool("synthetic", default: synthetic)
            supervised = try r.bool("supervised", default: supervised)
            teacher = try r.bool("teacher", default: teacher)
            filterPool = try r.bool("filter_pool", default: filterPool)
            imageHead = try r.bool("image_head", default: false)
            teacherDecay = try r.double("teacher_decay", default: teacherDecay, range: 0...0.99999)
            confidentHigh = try r.double("confident_high", default: confidentHigh, range: 0.5...1)
            confidentLow = try r.double("confident_low", default: confidentLow, range: 0...0.5)
            pseudoWeight = try r.double("pseudo_weight", default: pseudoWeight, range: 0...100)
            if !synthetic && !supervised && !teacher {
                throw r.fail("synthetic", "semi needs at least one of synthetic, supervised, teacher")
            }
        case .intensity:
            reference = IntensityReference(rawValue: try r.string("reference", default: "position",
                                                                  allowed: IntensityReference.allCases.map(\.rawValue)))!
            sign = DeviationSign(rawValue: try r.string("sign", default: "abs", allowed: DeviationSign.allCases.map(\.rawValue)))!
            if reference == .global && r.has("position_bins") {
                throw r.fail("position_bins", "only applies to reference \"position\"; the global reference has no positions")
            }
            try readNormalModel(r)
        }
        try r.finish()
    }

    private mutating func readNormalModel(_ r: ConfigReader) throws {
        sigmaFloor = try r.double("sigma_floor", default: sigmaFloor, range: 1e-6...10)
        positionBins = try r.int("position_bins", default: positionBins, range: 1...512)
    }

    private mutating func readSegmentation(_ r: ConfigReader) throws {
        diceWeight = try r.double("dice_weight", default: diceWeight, range: 0...100)
        topK = try r.double("top_k", default: topK, range: 1e-6...1)
    }

    var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("name", .string(name.rawValue)), ("label", .string(label))]
        func add(_ key: String, _ value: Double) { pairs.append((key, .number(value))) }
        func flag(_ key: String, _ value: Bool) { pairs.append((key, .bool(value))) }
        switch name {
        case .ae:
            pairs.append(("loss", .string(loss.rawValue))); add("top_k", topK)
            pairs.append(("residual", .string(residual.rawValue))); add("noise_std", noiseStd); add("noise_cell", Double(noiseCell))
            add("sigma_floor", sigmaFloor); add("position_bins", Double(positionBins))
        case .synth: add("dice_weight", diceWeight); add("top_k", topK)
        case .supervised: add("dice_weight", diceWeight); add("top_k", topK); add("positive_share", positiveShare)
        case .deepsad: add("eta", eta); flag("synthetic", synthetic)
        case .devnet: add("margin", margin); add("top_k", topK); flag("synthetic", synthetic)
        case .semi:
            add("dice_weight", diceWeight); add("top_k", topK)
            flag("synthetic", synthetic); flag("supervised", supervised); flag("teacher", teacher)
            flag("filter_pool", filterPool); flag("image_head", imageHead)
            add("teacher_decay", teacherDecay); add("confident_high", confidentHigh); add("confident_low", confidentLow)
            add("pseudo_weight", pseudoWeight)
        case .intensity:
            pairs.append(("reference", .string(reference.rawValue))); pairs.append(("sign", .string(sign.rawValue)))
            add("sigma_floor", sigmaFloor)
            if reference == .position { add("position_bins", Double(positionBins)) }
        }
        return .object(JSONObject(pairs))
    }
}
