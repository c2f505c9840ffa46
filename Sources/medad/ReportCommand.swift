import ArgumentParser
import Foundation
import MedadExperiments
import MedadSupport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write notebooks-md/<name>.md (tables, figures, CSV, LaTeX) from an experiment's results, or --check it.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Experiment file.") var file: String
    @Option(help: "Folder holding runs/<name>/<cell id>/.") var runs = "runs"
    @Option(help: "Folder of the notebooks.") var out = "notebooks-md"
    @Flag(help: "Fail if the notebook on disk differs from what the results give (nothing is written).") var check = false

    func run() throws {
        global.apply()
        let experiment = try Experiment(url: URL(fileURLWithPath: file))
        var command = "medad report \(file)"
        if runs != "runs" { command += " --runs \(runs)" }
        if out != "notebooks-md" { command += " --out \(out)" }
        let report = Report(experiment: experiment, root: URL(fileURLWithPath: runs), command: command)
        if check {
            try report.check(against: URL(fileURLWithPath: out))
            print("\(out)/\(experiment.name).md is up to date")
        } else {
            let notebook = try report.write(to: URL(fileURLWithPath: out))
            print("wrote \(notebook.relativePath)")
        }
    }
}
