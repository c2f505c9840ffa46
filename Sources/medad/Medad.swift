import ArgumentParser
import Foundation
import MedadTensor

struct Medad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "medad",
        abstract: "Medical image anomaly detection research: model zoo, methods, metrics and MOOD submissions.",
        subcommands: [
            Demo.self,
            DataCommand.self,
            Score.self,
            Summarize.self,
            Bench.self,
            Zoo.self,
            Methods.self,
            Train.self,
            Evaluate.self,
            Pool.self,
            Probe.self,
            Sweep.self,
            ReportCommand.self,

            Predict.self,
            Mood.self,
        ]
    )
}

@main
enum Entry {
    static func main() {
        ComputeRuntime.reexecWithTunedBLASCoreIfNeeded()
        AllocationFailure.exitQuietly()
        SweepChildLifetime.start()
        Medad.main()
        // Standard output is buffered, so a full disk or a closed file shows only when it is flushed;
        // a command whose output was lost must not exit 0. (Failing commands exit inside main.)
        if fflush(stdout) != 0 || ferror(stdout) != 0 {
            printError("cannot write to standard output: \(String(cString: strerror(errno)))")
            exit(1)
        }
    }
}
