import ArgumentParser
import Foundation
import MedadNN

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A short end-to-end demo: a small MLP learns a generated 2D function with AdamW.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Random seed (data and initialisation).")
    var seed: UInt64 = 0
    @Option(help: "Training steps.")
    var steps = 300
    @Option(help: "Start from the parameters in this safetensors file (e.g. one written by --save).")
    var load: String?
    @Option(help: "Save the trained parameters to this safetensors file.")
    var save: String?

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    }

    func run() throws {
        global.apply()
        let start = Date()
        let checkpoint = load.map { URL(fileURLWithPath: $0) }
        let (model, _) = try TrainingDemo.train(seed: seed, steps: steps, checkpoint: checkpoint) { step, loss in
            print(String(format: "step %4d  loss %.5f", step, loss))
        }
        if let save {
            try model.save(to: URL(fileURLWithPath: save), metadata: ["seed": "\(seed)", "steps": "\(steps)"])
            print("saved \(model.parameterCount) parameters to \(save)")
        }
        print(String(format: "done in %.1f s", Date().timeIntervalSince(start)))
    }
}
