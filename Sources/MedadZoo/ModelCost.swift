import MedadNN
import MedadSupport
import MedadTensor

/// Size and cost of a zoo entry, for the zoo table and for fairness records.
public struct ModelCost {
    public let name: String
    public let parameters: Int
    /// Forward FLOPs for one image (multiply-add counted as two): matrix products, convolutions and
    /// the selective scan; elementwise work and norms are not counted.
    public let gflops: Double

    /// Every backbone and the decoder at `size`×`size`.
    public static func zoo(size: Int) throws -> [ModelCost] {
        guard size > 0, size % encoderStride == 0 else {
            throw MedadError("--size \(size): expected a positive multiple of \(encoderStride)")
        }
        var rng = SeededRandom(seed: 0)
        let image = Tensor(shape: [1, 1, size, size], repeating: 0)
        var rows = Backbone.allCases.map { backbone -> ModelCost in
            let encoder = backbone.makeEncoder(rng: &rng)
            return measure(backbone.rawValue, encoder, input: image) { encoder($0) }
        }
        let decoder = Decoder(rng: &rng)
        let features = Tensor(shape: [1, encoderChannels, size / encoderStride, size / encoderStride], repeating: 0)
        rows.append(measure("decoder", decoder, input: features) { decoder($0) })
        return rows
    }

    static func measure(_ name: String, _ module: Module, input: Tensor, forward: (Tensor) -> Tensor) -> ModelCost {
        let flops = withNoGrad { FLOPCounter.count { _ = forward(input) } }
        return ModelCost(name: name, parameters: module.parameterCount, gflops: Double(flops) / 1e9)
    }
}
