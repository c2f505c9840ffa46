import ArgumentParser

/// `medad bench`: performance measurements of the library's hot paths, one subcommand per area.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the speed and memory of medad's kernels.",
        subcommands: [BenchMetrics.self]
    )
}
