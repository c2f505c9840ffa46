import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure medad's speed.",
        subcommands: [BenchOps.self, BenchElementwise.self, BenchZoo.self]
    )
}
