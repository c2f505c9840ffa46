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
    /// Forward FLOPs of the whole network for one input (multiply-add counted as two): matrix
    /// products, convolutions and the selective scan; elementwise work and norms are not counted.
    public let gflops: Double
    /// The input's side: an image of side², or a patch of side³ for a volumetric backbone.
    public let side: Int
    public let dims: Int

    /// Every backbone, the 2D ones on `size`² images and the volumetric ones on `patch`³ patches.
    public static func zoo(size: Int, patch: Int, backbones: [Backbone] = Backbone.allCases) throws -> [ModelCost] {
        let multiple = Backbone.imageMultiple
        for (name, side) in [("--size", size), ("--patch", patch)] where side <= 0 || side % multiple != 0 {
            throw MedadError("\(name) \(side): expected a positive multiple of \(multiple)")
        }
        return backbones.map { backbone in
            let side = backbone.dims == 3 ? patch : size
            var rng = SeededRandom(seed: 0)
            let model = EncoderDecoder(backbone: backbone, rng: &rng)
            let input = Tensor(shape: [1, 1] + Array(repeating: side, count: backbone.dims), repeating: 0)
            let flops = withNoGrad { FLOPCounter.count { _ = model(input) } }
            return ModelCost(name: backbone.name, summary: backbone.summary, parameters: model.parameterCount,
                             bodyParameters: model.encoder.body.parameterCount, gflops: Double(flops) / 1e9,
                             side: side, dims: backbone.dims)
        }
    }
}
