import ArgumentParser
import Foundation
import MedadSupport
import MedadTensor

/// `medad bench elementwise`: times each elementwise kernel, to check they run near memory bandwidth.
struct BenchElementwise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elementwise",
        abstract: "Time elementwise ops, reductions and softmax on random tensors (best of --repeats).")
    @OptionGroup var global: GlobalOptions

    @Option(help: "Elements per tensor (a multiple of 4096).")
    var elements = 10_000_000 / 4096 * 4096

    @Option(help: "Timed runs per op; the fastest is reported.")
    var repeats = 5

    func validate() throws {
        guard elements >= 4096, elements % 4096 == 0, elements <= 1 << 28 else {
            throw ValidationError("--elements must be a multiple of 4096 between 4096 and \(1 << 28), got \(elements)")
        }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    }

    func run() throws {
        global.apply()
        var rng = SeededRandom(seed: 1)
        let x = Tensor.randn([elements / 4096, 64, 64], rng: &rng)
        let y = Tensor.randn([elements / 4096, 64, 64], rng: &rng)
        let channel = Tensor.randn([64, 1], rng: &rng)
        let bias = Tensor.randn([64], rng: &rng)
        let rows = x.reshaped([-1, 256])
        let megabytes = Double(elements) * 4 / 1e6
        print("threads \(ComputeRuntime.threads), \(elements) elements (\(Int(megabytes)) MB per tensor)")
        // (name, tensors read + written, op)
        let cases: [(String, Double, () -> Tensor)] = [
            ("x + y", 3, { x + y }),
            ("x * 2", 2, { x * 2 }),
            ("x + bias[64]", 2, { x + bias }),
            ("x * channel[64,1]", 2, { x * channel }),
            ("exp", 2, { x.exp() }),
            ("sigmoid", 2, { sigmoid(x) }),
            ("silu", 2, { silu(x) }),
            ("gelu", 2, { gelu(x) }),
            ("sum()", 1, { x.sum() }),
            ("sum(axes: [0])", 1, { x.sum(axes: [0]) }),
            ("softmax rows of 256", 2, { softmax(rows, axis: -1) }),
            ("permuted([0, 2, 1])", 2, { x.permuted([0, 2, 1]) }),
        ]
        for (name, traffic, op) in cases {
            let best = Stopwatch.best(runs: repeats, warmup: 0) { _ = withNoGrad(op) }
            let timing = String(format: "%8.2f ms  %6.1f GB/s", best * 1e3, traffic * megabytes / 1e3 / best)
            print(name.padding(toLength: 22, withPad: " ", startingAt: 0) + timing)
        }
    }
}
