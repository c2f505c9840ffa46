import MedadNN
import MedadSupport
import MedadTensor
import MedadZoo

/// Encoder + shared decoder with one output map, read three ways:
/// a reconstruction (ae: score = |x − x̂|), anomaly logits (synth, semi: score = sigmoid) or raw
/// deviation scores (devnet). The image score is the mean of the top-k fraction of the voxel scores.
final class MapModel: Module, ScoringModel {
    enum Reading { case reconstruction, logits, deviation }
    let net: EncoderDecoder
    /// semi's mean teacher (no gradient; updated as an EMA of `net`).
    let teacher: EncoderDecoder?
    private let reading: Reading
    private let topK: Double

    init(config: RunConfig, reading: Reading, withTeacher: Bool, rng: inout SeededRandom) {
        net = EncoderDecoder(backbone: config.backbone, outChannels: 1, mambaScan: config.mambaScan, rng: &rng)
        if withTeacher {
            let copy = EncoderDecoder(backbone: config.backbone, outChannels: 1, mambaScan: config.mambaScan, rng: &rng)
            for (_, tensor) in copy.namedParameters() { tensor.requiresGrad = false }
            teacher = copy
        } else {
            teacher = nil
        }
        self.reading = reading
        topK = config.method.topK
    }

    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float]) {
        let output = net(images)
        let maps: Tensor
        switch reading {
        case .reconstruction: maps = (output - images).abs()
        case .logits: maps = sigmoid(output)
        case .deviation: maps = output
        }
        let values = maps.values
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
