import ArgumentParser
import Foundation
import MedadConfig
import MedadExperiments
import MedadSupport

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Experiments as sweeps: list the cells of an experiment file, or run them (resumable).",
        subcommands: [SweepPlanCommand.self])
}

struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "List the cells of an experiment with their stable ids.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Experiment file (JSON: run config + sweep block).") var file: String
    @Flag(help: "Print a JSON list of {id, config}.") var json = false
    @Option(help: "Folder holding runs/<name>/<cell id>/.") var runs = "runs"

    func run() throws {
        global.apply()
        let experiment = try Experiment(url: URL(fileURLWithPath: file))
        let cells = experiment.cells
        if json {
            print(JSONValue.array(cells.map { .object(JSONObject([("id", .string($0.id)), ("config", $0.config)])) }).pretty(sortedKeys: true),
                  terminator: "")
            return
        }
        let root = URL(fileURLWithPath: runs)
        print("\(experiment.name): \(cells.count) cells (axes: \(experiment.plan.axes.map(\.path).joined(separator: " × ")))")
        for cell in cells {
            let status: String
            switch CellStatus(directory: experiment.directory(of: cell, root: root)) {
            case .finished: status = "finished"
            case .failed(let reason): status = "failed: \(reason)"
            case .pending: status = "pending"
            }
            print("\(cell.id)  \(status)")
        }
    }
}
