import ArgumentParser
import MedadTensor

/// Options every subcommand takes; `apply()` runs before the command's work.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Threads of the OpenMP team that runs every kernel and matrix product (default: all cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be a positive whole number, got \(threads)")
        }
    }

    var resolvedThreads: Int { threads ?? ComputeRuntime.cores }

    func apply() {
        ComputeRuntime.setThreads(resolvedThreads)
    }
}
