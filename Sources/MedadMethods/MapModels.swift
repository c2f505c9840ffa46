import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo

/// Encoder + shared decoder with one output map, read three ways:
/// a reconstruction (ae: score = |x − x̂|, or with `residualNormal` the residual's deviation from
/// normal residuals), anomaly logits (synth, semi: score = sigmoid) or raw deviation scores (devnet).
/// The image score is the mean of the top-k fraction of the voxel scores.
final class MapModel: Module, ScoringModel {
    enum Reading { case reconstruction, logits, deviation }
    @Key("net") private(set) var net: EncoderDecoder
    /// semi's mean teacher (no gradient; updated as an EMA of `net`).
    @Key("teacher") private(set) var teacher: EncoderDecoder?
    /// ae with `residual: standardized`: the normal model of x − x̂, fitted before each validation.
    @Key("residualNormal") private(set) var residualNormal: PixelNormalModel?
    /// semi's intensity prior, added to the logits of `net` and of the teacher.
    @Key("prior") private(set) var prior: IntensityPrior?
    private let reading: Reading
    private let topK: Double

    init(_ run: RunConfig, reading: Reading, topK: Double, withTeacher: Bool = false,
         residualNormal: PixelNormalModel? = nil, prior: IntensityPrior? = nil, rng: inout SeededRandom) {
        self.reading = reading
        self.topK = topK
        super.init()
        net = EncoderDecoder(backbone: run.backbone, options: run.backboneOptions, rng: &rng)
        if withTeacher {
            let copy = EncoderDecoder(backbone: run.backbone, options: run.backboneOptions, rng: &rng)
            for (_, tensor) in copy.namedParameters() { tensor.requiresGrad = false }
            teacher = copy
        } else {
            teacher = nil
        }
        self.residualNormal = residualNormal
        self.prior = prior
    }

    /// The anomaly logits of `network` (the student `net` unless given), with the prior's added.
    func logits(_ images: Tensor, network: EncoderDecoder? = nil) -> Tensor {
        let output = (network ?? net)(images)
        return prior.map { output + $0.logits(images) } ?? output
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let values: [Float]
        switch reading {
        case .reconstruction:
            let output = net(images)
            values = residualNormal.map { $0.deviations((images - output).values, positions: positions) }
                ?? (output - images).abs().values
        case .logits: values = sigmoid(logits(images)).values
        case .deviation: values = net(images).values
        }
        return (values, TopK.mean(values, batch: images.shape[0], fraction: topK))
    }

    /// teacher ← decay·teacher + (1 − decay)·net, parameter by parameter (Tarvainen & Valpola 2017).
    func updateTeacher(decay: Float) {
        guard let teacher else { return }
        for ((_, target), (_, source)) in zip(teacher.namedParameters(), net.namedParameters()) {
            source.withBuffer { s in
                target.withMutableBuffer { t in
                    for i in 0..<t.count { t[i] = decay * t[i] + (1 - decay) * s[i] }
                }
            }
        }
    }
}
