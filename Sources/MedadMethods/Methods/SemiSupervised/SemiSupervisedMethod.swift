import MedadConfig
import MedadSupport

/// `semi`: medad's annotation-efficient method (design in SemiSupervisedObjective.swift and
/// notebooks-md/methods.md); every component has its switch, for ablations.
struct SemiSupervisedMethod: AnomalyMethod {
    static let name = "semi"
    static let summary = "intensity prior + revealed masks in and out of context + synthetic anomalies + mean-teacher pseudo-labels"
    static let usesLabels = true
    static let planarOnly: String? = nil
    static let defaultLearningRate: Double? = 2e-3
    static let parameterHelp = SegmentationParameters.help.merging([
        "synthetic": "half of the assumed-normal slices carry a synthetic anomaly of data.generators",
        "supervised": "revealed anomalies with their masks as targets (labelled_share of each batch)",
        "labelled_share": "share of each batch drawn from the revealed anomalies",
        "transplant": "share of those revealed anomalies transplanted into other slices; the rest stay in their own slice",
        "prior": "add the global intensity z-score z of the pool's brain voxels to the logits as a·z − b, a and b trained from prior_scale and prior_scale · prior_shift",
        "prior_scale": "initial logits per z-score unit of the intensity prior",
        "prior_shift": "initial z-score at which the intensity prior's probability is one half",
        "teacher": "mean-teacher pseudo-labels on the unlabelled pool",
        "filter_pool": "drop unlabelled slices the teacher scores as anomalous from the image head's negatives",
        "image_head": "DevNet-style BCE on the top-k pooled logits against image labels",
        "teacher_decay": "EMA decay of the teacher",
        "confident_high": "teacher probability above which a pool pixel becomes a positive",
        "confident_low": "teacher probability below which a pool pixel stays a negative (between: ignored)",
        "pseudo_weight": "weight of the pseudo-labelled positives",
    ]) { $1 }

    var segmentation: SegmentationParameters
    var synthetic = true
    var supervised = true
    var labelledShare = 0.25
    var transplant = 0.5
    var prior = true
    var priorScale = 1.0
    var priorShift = 3.0
    var teacher = true
    var filterPool = true
    /// Off by default: it held pixel AP at chance on phantoms (notebooks-md/methods.md).
    var imageHead = false
    var teacherDecay = 0.99
    var confidentHigh = 0.9
    var confidentLow = 0.1
    var pseudoWeight = 0.5

    init(_ r: ConfigReader) throws {
        segmentation = try SegmentationParameters(r)
        synthetic = try r.bool("synthetic", default: synthetic)
        supervised = try r.bool("supervised", default: supervised)
        labelledShare = try r.double("labelled_share", default: labelledShare, range: 0.01...1)
        transplant = try r.double("transplant", default: transplant, range: 0...1)
        prior = try r.bool("prior", default: prior)
        priorScale = try r.double("prior_scale", default: priorScale, range: 0...100)
        priorShift = try r.double("prior_shift", default: priorShift, range: -100...100)
        teacher = try r.bool("teacher", default: teacher)
        filterPool = try r.bool("filter_pool", default: filterPool)
        imageHead = try r.bool("image_head", default: imageHead)
        teacherDecay = try r.double("teacher_decay", default: teacherDecay, range: 0...0.99999)
        confidentHigh = try r.double("confident_high", default: confidentHigh, range: 0.5...1)
        confidentLow = try r.double("confident_low", default: confidentLow, range: 0...0.5)
        pseudoWeight = try r.double("pseudo_weight", default: pseudoWeight, range: 0...100)
        if !synthetic && !supervised && !teacher {
            throw r.fail("synthetic", "semi needs at least one of synthetic, supervised, teacher")
        }
    }

    var trainsOnSynthetic: Bool { synthetic }

    func makeModel(_ run: RunConfig, rng: inout SeededRandom) -> MapModel {
        let prior = prior ? IntensityPrior(scale: priorScale, shift: priorShift) : nil
        return MapModel(run, reading: .logits, topK: segmentation.topK, withTeacher: teacher, prior: prior, rng: &rng)
    }

    func makeObjective(_ model: MapModel, context: MethodContext) -> MethodObjective? {
        SemiSupervisedObjective(model: model, method: self, context: context)
    }

    func fit(_ model: MapModel, pool: [TrainingSlice]) { model.prior?.fit(pool) }
}
