import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining
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
    /// synth with `density: decoder` or `auto`: the Gaussian of the last decoder stage's features, fitted after training.
    @Key("density") private(set) var density: FeatureDensity?
    private let reading: Reading
    private let topK: Double

    init(_ run: RunConfig, reading: Reading, topK: Double, withTeacher: Bool = false,
         residualNormal: PixelNormalModel? = nil, prior: IntensityPrior? = nil, withDensity: Bool = false,
         rng: inout SeededRandom) {
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
        density = withDensity ? FeatureDensity(channels: net.decoder.out.weight.shape[1]) : nil
    }

    /// The anomaly logits of `network` (the student `net` unless given), with the prior's added.
    func logits(_ images: Tensor, network: EncoderDecoder? = nil) -> Tensor {
        let output = (network ?? net)(images)
        return prior.map { output + $0.logits(images) } ?? output
    }

    /// The logits of `net` (the same values as `logits`) with the last decoder stage's features they are read from.
    func logitsAndFeatures(_ images: Tensor) -> (logits: Tensor, features: Tensor) {
        let features = net.decoder.stageOutputs(net.encoder.features(images)).last!
        let output = net.decoder.out(features)
        return (prior.map { output + $0.logits(images) } ?? output, features)
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let values: [Float]
        switch reading {
        case .reconstruction:
            let output = net(images)
            values = residualNormal.map { $0.deviations((images - output).values, positions: positions) }
                ?? (output - images).abs().values
        case .logits:
            if let density, density.isFitted {
                let read = logitsAndFeatures(images)
                values = density.scores(logits: read.logits, features: read.features).values
            } else {
                values = sigmoid(logits(images)).values
            }
        case .deviation: values = net(images).values
        }
        return (values, TopK.mean(values, batch: images.shape[0], fraction: topK))
    }

    /// Loads a checkpoint's trained tensors: the network's alone when they name nothing else (the twin's
    /// names, or a run's `net.*`), else the whole model. What the model fits after training (`density`)
    /// is never loaded: it is fitted anew for these weights.
    func loadTrained(_ tensors: [String: Tensor], from url: URL) throws {
        var trained = tensors.filter { !$0.key.hasPrefix("density.") }
        let prefixed = trained.keys.filter { $0.hasPrefix("net.") }.count
        if prefixed == trained.count {
            trained = Dictionary(uniqueKeysWithValues: trained.map { (String($0.key.dropFirst("net.".count)), $0.value) })
        }
        try TrainingCheckpoint.load(trained, into: prefixed == 0 || prefixed == trained.count ? net : self, from: url)
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
