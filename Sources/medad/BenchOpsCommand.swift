import ArgumentParser
import MedadNN

struct BenchOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Throughput of sgemm, conv2d forward+backward and elementwise kernels, and the BLAS core in use."
    )
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        global.apply()
        let result = OpsBenchmark.run()
        print(json ? result.json : result.table)
    }
}
