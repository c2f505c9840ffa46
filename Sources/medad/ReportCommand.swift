import ArgumentParser
import Foundation
import MedadExperiments
import MedadMethods
import MedadSupport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write notebooks-md/<name>.md (tables, figures, CSV, LaTeX) from an experiment's results or a paper file's experiments, or --check it.",
        discussion: """
        --check compares every file and table cell: text and structure exactly, timings never, and the \
        values from the runs (metrics, stds, intervals, p-values) exactly unless --tolerance is given. \
        Exact is what one machine and thread count reproduce; results from another machine differ where \
        training summed in another order, so compare those with a tolerance, e.g. --tolerance 0.05. Under \
        a tolerance, ranks, best and significance marks, plotted data and example images (size aside) are \
        not compared: they jump at near-ties however close the values. Each difference is one line: file, \
        line, table, row and column, both values and how far apart.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Experiment file, or paper file (a top-level \"blocks\" list; README, \"Paper files\").") var file: String
    @Option(help: "Folder holding runs/<name>/<cell id>/.") var runs = "runs"
    @Option(help: "Folder of the notebooks.") var out = "notebooks-md"
    @Flag(help: "Fail if the notebook on disk differs from what the results give (nothing is written).") var check = false
    @Option(help: ArgumentHelp("With --check: how far values from the runs may differ: 0.02 (absolute), 5% (relative) or 0.02+5%.",
                               valueName: "tolerance"))
    var tolerance: String?

    func validate() throws {
        if tolerance != nil && !check { throw ValidationError("--tolerance goes with --check") }
    }

    func run() throws {
        global.apply()
        let url = URL(fileURLWithPath: file), root = URL(fileURLWithPath: runs)
        var command = "medad report \(file)"
        if runs != "runs" { command += " --runs \(runs)" }
        if out != "notebooks-md" { command += " --out \(out)" }
        let archive = ResultArchive(notebooks: URL(fileURLWithPath: out))
        let report: any GeneratedReport
        if try PaperReport.isPaper(url) {
            report = try PaperReport(url: url, root: root, command: command, backend: MethodRunBackend(), archive: archive)
        } else {
            let experiment = try Experiment(url: url)
            try experiment.validateBackboneReference(MethodRunBackend())
            report = Report(experiment: experiment, root: root, command: command, archive: archive)
        }
        if check {
            let tolerance = try tolerance.map(ReportTolerance.init(parsing:)) ?? .exact
            let result = try report.compare(against: URL(fileURLWithPath: out), tolerance: tolerance)
            let notebook = "\(out)/\(report.name).md"
            guard result.passed else {
                for failure in result.failures { printError(failure) }
                let hint = tolerance.isExact && result.textFailures == 0
                    ? "; only what the runs give differs: results from another machine? compare with --tolerance (README, \"Reproducibility\")"
                    : "; run \(command)"
                throw MedadError("\(notebook): \(result.failures.count) difference(s) from what the results give, listed above\(hint)")
            }
            // A check against archived copies shows the notebook matches its evidence, not that the runs reproduce.
            let archived = report.experiments.reduce(0) { $0 + archive.standsIn(for: $1, root: root) }
            let cells = report.experiments.reduce(0) { $0 + $1.cells.count }
            print("\(notebook) is up to date: \(result.summary)"
                  + (archived > 0 ? "; \(archived) of \(cells) cells read from the result archive, not from \(runs)/ (rerun the sweep to reproduce them)" : ""))
        } else {
            // A paper's experiments keep their own archives, written by their own reports.
            let archived = try (report as? Report).map { try archive.store($0.experiment, from: root, keeping: $0.archiveSelection()) }
            let notebook = try report.write(to: URL(fileURLWithPath: out))
            print("wrote \(notebook.relativePath)" + (archived.map { "; result files of \($0) cells kept in \(out)/\(report.name)/results/" } ?? ""))
        }
    }
}
