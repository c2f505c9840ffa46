import ArgumentParser

/// `medad bench`: performance measurements of the library's hot paths, one subcommand per area.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure medad's speed and memory.",
        subcommands: [BenchOps.self, BenchElementwise.self, BenchZoo.self, BenchMetrics.self, BenchPredict.self]
    )
}
