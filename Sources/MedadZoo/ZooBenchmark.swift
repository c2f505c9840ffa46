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
        /// With `ops`: where a training step's and a forward's time goes, per op, averaged over the steps
        /// of an extra untimed run (OpTimes), slowest first.
        public let trainOps: [OpTimes.Entry]?
        public let inferOps: [OpTimes.Entry]?
    }

    public static func run(backbones: [Backbone] = Backbone.all(dims: 2), size: Int, batch: Int, steps: Int,
                           ops: Bool = false) throws -> [Timing] {
        let multiple = Backbone.imageMultiple
        guard size > 0, size % multiple == 0 else { throw MedadError("--size \(size): expected a positive multiple of \(multiple)") }
        guard batch > 0 else { throw MedadError("--batch \(batch): expected a positive whole number") }
        guard steps > 0 else { throw MedadError("--steps \(steps): expected a positive whole number") }
        return backbones.map { backbone in
            var rng = SeededRandom(seed: 0)
            let model = EncoderDecoder(backbone: backbone, rng: &rng)
            let optimizer = AdamW(model.trainableParameters(), learningRate: 1e-3)
            let x = Tensor.randn([batch, 1] + Array(repeating: size, count: backbone.dims), rng: &rng)
            let trainStep = {
                optimizer.zeroGrad()
                mseLoss(model(x), x).backward()
                optimizer.step()
                OpTimes.charge("AdamW step")
            }
            let infer = { _ = withNoGrad { model(x) } }
            let train = Stopwatch.median(runs: steps, warmup: 2, trainStep)
            let inference = Stopwatch.median(runs: steps, warmup: 1, infer)
            // Charged apart from the medians, so that charging every op cannot slow what they report.
            return Timing(backbone: backbone.name, trainStepSeconds: train, inferSeconds: inference,
                          trainOps: ops ? OpTimes.measure(runs: steps, trainStep) : nil,
                          inferOps: ops ? OpTimes.measure(runs: steps, infer) : nil)
        }
    }
}
