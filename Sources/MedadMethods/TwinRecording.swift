import Foundation
import MedadConfig
import MedadNN
import MedadSupport
import MedadTensor

/// Records a run's training so that the PyTorch twin (interop/pytorch, `train-stream`) can repeat it
/// exactly: the initial weights of the network, every batch in order, and the optimiser settings.
/// The twin's final weights come back with `Runs.adopt` and are scored by the same evaluation, so
/// the two sides differ only in the framework.
///
/// Folder: `weights.safetensors` (twin parameter names), `batches.safetensors` (`x`, `y`:
/// [steps, batch, 1, size, size]) and `options.json`.
package final class TwinRecording {
    let directory: URL
    private let steps: Int, batch: Int, size: Int
    private var images: [Float] = [], targets: [Float] = []
    private var recorded = 0

    init(directory: URL, run: RunConfig, diceWeight: Double, network: Module) throws {
        self.directory = directory
        (steps, batch, size) = (run.train.steps, run.train.batch, run.data.size)
        try AtomicFile.createFolder(at: directory)
        try network.save(to: directory.appendingPathComponent("weights.safetensors"))
        let options = JSONObject([
            ("backbone", .string(run.backbone.name)), ("scan", .string(run.mambaScan.rawValue)),
            ("steps", .number(Double(steps))), ("lr", .number(run.train.lr)), ("warmup", .number(Double(min(run.train.warmup, steps)))),
            ("min_lr", .number(0)), ("weight_decay", .number(run.train.weightDecay)),
            ("clip", .number(run.train.clip ?? 0)), ("loss", .string("seg")),
            ("dice_weight", .number(diceWeight)),
        ])
        try AtomicFile.write(JSONValue.object(options).pretty(), to: directory.appendingPathComponent("options.json"))
        images.reserveCapacity(steps * batch * size * size)
        targets.reserveCapacity(steps * batch * size * size)
    }

    /// The batch of the next update, in order.
    func record(_ slices: SliceBatch) {
        precondition(slices.count == batch && recorded < steps, "twin recording: batch \(recorded) of \(slices.count) slices, expected \(steps) of \(batch)")
        images += slices.images
        targets += slices.targets
        recorded += 1
    }

    /// Writes the batches once every update has been recorded.
    func finish() throws {
        guard recorded == steps else {
            throw MedadError("\(directory.path): recorded \(recorded) of \(steps) batches; the twin needs a complete run")
        }
        let shape = [steps, batch, 1, size, size]
        try SafeTensors.write(SafeTensors.Content(tensors: ["x": Tensor(shape: shape, values: images),
                                                           "y": Tensor(shape: shape, values: targets)]),
                              to: directory.appendingPathComponent("batches.safetensors"))
    }
}
