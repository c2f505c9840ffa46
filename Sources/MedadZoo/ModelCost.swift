import MedadNN
import MedadSupport
import MedadTensor

/// Size and cost of a zoo entry, for the zoo table and for fairness records.
public struct ModelCost {
    public let name: String
    /// The backbone's one-line description (`Backbone.summary`).
    public let summary: String
    /// The whole network: shared stem, the backbone's body, shared decoder with one output map.
    public let parameters: Int
    /// The backbone's own body alone.
    public let bodyParameters: Int
    /// Forward FLOPs of the whole network for one image (multiply-add counted as two): matrix
    /// products, convolutions and the selective scan; elementwise work and norms are not counted.
    public let gflops: Double

    /// Every backbone at `size`×`size`.
    public static func zoo(size: Int, backbones: [Backbone] = Backbone.allCases) throws -> [ModelCost] {
        let multiple = Backbone.imageMultiple
        guard size > 0, size % multiple == 0 else {
            throw MedadError("--size \(size): expected a positive multiple of \(multiple)")
        }
        let image = Tensor(shape: [1, 1, size, size], repeating: 0)
        return backbones.map { backbone in
            var rng = SeededRandom(seed: 0)
            let model = EncoderDecoder(backbone: backbone, rng: &rng)
            let flops = withNoGrad { FLOPCounter.count { _ = model(image) } }
            return ModelCost(name: backbone.name, summary: backbone.summary, parameters: model.parameterCount,
                             bodyParameters: model.encoder.body.parameterCount, gflops: Double(flops) / 1e9)
        }
    }
}
