import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import MedadTraining

/// A tiny MLP regressing a generated function from random minibatches drawn with the step's generator,
/// with hooks to script validation scores, inject a non-finite loss or gradient, or throw.
final class ToyObjective: TrainingObjective {
    let net: TrainingDemo.MLP
    var model: Module { net }
    let inputs: [Float]
    let targets: [Float]
    let samples = 32
    var nonFiniteLossAt: Int?
    var nonFiniteGradientAt: Int?
    var throwAt: Int?
    var scriptedScores: [Double]?
    /// The model's parameters at each validation call (what was judged).
    var judged: [[String: [Float]]] = []

    init(seed: UInt64 = 3) {
        var rng = SeededRandom(seed: seed)
        net = TrainingDemo.MLP(width: 8, rng: &rng)
        let x = (0..<64).map { _ in Float(rng.uniform(-1, 1)) }
        inputs = x
        targets = (0..<32).map { Float(sin(3 * Double(x[2 * $0])) * Double(x[2 * $0 + 1])) }
    }

    func loss(step: Int, rng: inout SeededRandom) throws -> Tensor {
        if step == throwAt { throw MedadError("toy objective failed at step \(step)") }
        if step == nonFiniteLossAt { return Tensor.scalar(.nan) }
        if step == nonFiniteGradientAt {
            // sqrt at 0 has a finite value and an infinite derivative.
            return (net.layers[0].weight * Tensor.scalar(0)).sqrt().sum()
        }
        let picks = (0..<8).map { _ in rng.nextInt(samples) }
        let x = Tensor(shape: [8, 2], values: picks.flatMap { [inputs[2 * $0], inputs[2 * $0 + 1]] })
        let y = Tensor(shape: [8, 1], values: picks.map { targets[$0] })
        return mseLoss(net(x), y)
    }

    func validate() throws -> (score: Double, metrics: [String: Double]) {
        judged.append(Dictionary(uniqueKeysWithValues: net.namedParameters().map { ($0, $1.values) }))
        if let scriptedScores { return (scriptedScores[judged.count - 1], ["call": Double(judged.count)]) }
        let mse = withNoGrad {
            mseLoss(net(Tensor(shape: [samples, 2], values: inputs)), Tensor(shape: [samples, 1], values: targets)).item()
        }
        return (-Double(mse), ["mse": Double(mse)])
    }
}

/// A fresh empty folder for one test.
func temporaryRun(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("medad-training-\(name)-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Every tensor of a safetensors file as plain values, for bit-exact comparisons.
func tensorValues(_ url: URL) throws -> [String: [Float]] {
    try SafeTensors.read(url).tensors.mapValues(\.values)
}

func jsonLines(_ url: URL) throws -> [String] {
    String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n").map(String.init)
}
