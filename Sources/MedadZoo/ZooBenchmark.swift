import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// `medad bench zoo`: the median time of a training step (forward, MSE to the input, backward, AdamW
/// update) and of a no-grad forward, per backbone, at the same batch and side for all (images of
/// side², or patches of side³ for volumetric backbones).
public enum ZooBenchmark {
    public struct Timing {
        public let backbone: String
        public let trainStepSeconds: Double
        public let inferSeconds: Double
    }

    public static func run(backbones: [Backbone] = Backbone.all(dims: 2), size: Int, batch: Int, steps: Int) throws -> [Timing] {
        let multiple = Backbone.imageMultiple
        guard size > 0, size % multiple == 0 else { throw MedadError("--size \(size): expected a positive multiple of \(multiple)") }
        guard batch > 0 else { throw MedadError("--batch \(batch): expected a positive whole number") }
        guard steps > 0 else { throw MedadError("--steps \(steps): expected a positive whole number") }
        return backbones.map { backbone in
            var rng = SeededRandom(seed: 0)
            let model = EncoderDecoder(backbone: backbone, rng: &rng)
            let optimizer = AdamW(model.trainableParameters(), learningRate: 1e-3)
            let x = Tensor.randn([batch, 1] + Array(repeating: size, count: backbone.dims), rng: &rng)
            let train = Stopwatch.median(runs: steps, warmup: 2) {
                optimizer.zeroGrad()
                mseLoss(model(x), x).backward()
                optimizer.step()
            }
            let infer = Stopwatch.median(runs: steps, warmup: 1) { _ = withNoGrad { model(x) } }
            return Timing(backbone: backbone.name, trainStepSeconds: train, inferSeconds: infer)
        }
    }
}
