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

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    }

    func run() throws {
        global.apply()
        let start = Date()
        TrainingDemo.train(seed: seed, steps: steps) { step, loss in
            print(String(format: "step %4d  loss %.5f", step, loss))
        }
        print(String(format: "done in %.1f s", Date().timeIntervalSince(start)))
    }
}
