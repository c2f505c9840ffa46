import ArgumentParser
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
            Train.self,
            Evaluate.self,
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
        Medad.main()
    }
}
