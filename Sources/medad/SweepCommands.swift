import ArgumentParser
import Foundation
import MedadConfig
import MedadExperiments
import MedadMethods
import MedadSupport

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Experiments as sweeps: list the cells of an experiment file, or run them (resumable).",
        subcommands: [SweepPlanCommand.self, SweepRunCommand.self])
}

struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "List the cells of an experiment with their stable ids.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Experiment file (JSON: run config + sweep block).") var file: String
    @Flag(help: "Print a JSON list of {id, config}.") var json = false
    @Option(help: "Folder holding runs/<name>/<cell id>/.") var runs = "runs"
    @Option(help: "Folder of the notebooks, whose <name>/results/ keeps finished cells' result files.") var notebooks = "notebooks-md"

    func run() throws {
        global.apply()
        let experiment = try Experiment(url: URL(fileURLWithPath: file))
        let backend = MethodRunBackend()
        try experiment.validate(backend)
        let cells = experiment.cells
        if json {
            print(JSONValue.array(cells.map { .object(JSONObject([("id", .string($0.id)), ("config", $0.config)])) }).pretty(sortedKeys: true),
                  terminator: "")
            return
        }
        let root = URL(fileURLWithPath: runs), archive = ResultArchive(notebooks: URL(fileURLWithPath: notebooks))
        print("\(experiment.name): \(cells.count) cells (axes: \(experiment.plan.grids.map { $0.map(\.path).joined(separator: " × ") }.joined(separator: " + ")))")
        for cell in cells {
            let status: String
            switch CellStatus(directory: experiment.directory(of: cell, root: root)) {
            case .finished: status = "finished"
            case .failed(let reason): status = "failed: \(reason)"
            case .pending: status = archive.holds(cell, of: experiment) ? "archived" : "pending"
            }
            print("\(cell.id)  \(status)")
        }
    }
}

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the cells of an experiment into runs/<name>/<cell id>/; finished cells are skipped, failed ones retried.",
        discussion: """
        Each cell trains and evaluates in this process (--jobs 1, the default) or in a child process of \
        this binary per cell (--jobs N > 1, each with threads/N threads). A killed sweep resumes where it \
        stopped: a cell is finished iff its result.json exists. --skip-archived also leaves out cells \
        whose result files the notebook's archive keeps, so a sweep given new seeds on another machine \
        runs only those. With --slurm FILE nothing runs; a SLURM \
        job-array script is written instead, one task per cell not yet finished, run from this folder. \
        With "reuse_training" in the file, cells do not train: each scores the weights of the matching \
        cell of that experiment on its own test set.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Experiment file.") var file: String
    @Option(help: "Only these cell ids (comma-separated; see medad sweep plan).") var only: String?
    @Option(help: "Cells run at once.") var jobs = 1
    @Option(help: "Folder holding runs/<name>/<cell id>/ (a shared folder on clusters).") var runs = "runs"
    @Option(help: "Write a SLURM job-array script to this file instead of running.") var slurm: String?
    @Option(help: "With --slurm: CPUs per array task.") var cpus = 4
    @Option(help: "With --slurm: time limit per array task, in hours.") var hours = 4
    @Flag(help: "No progress lines (child processes of --jobs).") var quiet = false
    @Flag(help: "Leave out cells archived in <notebooks>/<name>/results/ (run only what is new).") var skipArchived = false
    @Option(help: "With --skip-archived: folder of the notebooks.") var notebooks = "notebooks-md"

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if cpus < 1 || hours < 1 { throw ValidationError("--cpus and --hours must be at least 1") }
    }

    func run() throws {
        global.apply()
        let experimentURL = URL(fileURLWithPath: file)
        let experiment = try Experiment(url: experimentURL)
        let backend = MethodRunBackend()
        try experiment.validate(backend)
        let archive = ResultArchive(notebooks: URL(fileURLWithPath: notebooks))
        let cells = try experiment.cells(only: only.map { $0.split(separator: ",").map(String.init) })
            .filter { !skipArchived || !archive.holds($0, of: experiment) }
        let root = URL(fileURLWithPath: runs)
        let executable = RunningExecutable.url
        // Built here in every mode, so a bad reuse_training fails once, before any child or array task.
        let inProcess = try experiment.executor(root: root, backend: backend)
        if let slurm {
            // Finished cells get no array task, so a script written again after a cancel or a failure
            // holds exactly the cells still to run (each task also skips its cell if it finished meanwhile).
            let pending = cells.filter { CellStatus(directory: experiment.directory(of: $0, root: root)) != .finished }
            let earlier = cells.count - pending.count
            guard !pending.isEmpty else {
                print("\(experiment.name): all \(cells.count) cells finished; nothing to submit, \(slurm) not written")
                return
            }
            try FileManager.default.createDirectory(at: root.appendingPathComponent(experiment.name), withIntermediateDirectories: true)
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            try AtomicFile.write(SlurmScript.text(experiment: experiment, cells: pending, executable: executable.path,
                                                  root: root.standardizedFileURL, workingDirectory: here, cpus: cpus, hours: hours),
                                 to: URL(fileURLWithPath: slurm))
            print("wrote \(slurm): \(pending.count) array tasks" + (earlier > 0 ? " (\(earlier) cells finished earlier, left out)" : "")
                  + "; submit with sbatch \(slurm)")
            return
        }
        let executor: CellExecutor = jobs == 1 ? inProcess
            : ProcessCellExecutor(executable: executable, experiment: experimentURL.standardizedFileURL,
                                  root: root.standardizedFileURL, threads: max(1, global.resolvedThreads / jobs))
        let start = Date()
        let quiet = quiet
        let isChild = ProcessInfo.processInfo.environment[ProcessCellExecutor.parentVariable] != nil
        let summary = SweepRunner(experiment: experiment, root: root, executor: executor, jobs: jobs, locksCells: !isChild).run(cells) { event in
            guard !quiet else { return }
            let elapsed = String(format: "%6.0fs", Date().timeIntervalSince(start))
            switch event {
            case .skipped(let id, let index, let total): printError("[\(index)/\(total)] \(elapsed) \(id): finished earlier, skipped")
            case .started(let id, let index, let total): printError("[\(index)/\(total)] \(elapsed) \(id): running")
            case .finished(let id, let index, let total, let seconds):
                printError("[\(index)/\(total)] \(elapsed) \(id): done in \(String(format: "%.1f", seconds)) s")
            case .failed(let id, let index, let total, let reason): printError("[\(index)/\(total)] \(elapsed) \(id): FAILED: \(reason)")
            case .busy(let id, let index, let total, let holder):
                printError("[\(index)/\(total)] \(elapsed) \(id): being run by another process\(holder.map { " (pid \($0))" } ?? ""), left to it")
            }
        }
        print("\(experiment.name): \(summary.finished.count) run, \(summary.skipped.count) finished earlier, \(summary.failed.count) failed"
              + (summary.busy.isEmpty ? "" : ", \(summary.busy.count) run by another process")
              + " (\(String(format: "%.1f", Date().timeIntervalSince(start))) s); results in \(root.relativePath)/\(experiment.name)/")
        var problems: [String] = []
        if !summary.failed.isEmpty {
            problems.append("\(summary.failed.count) cell(s) failed: \(summary.failed.joined(separator: ", ")); see their failure.json, rerun to retry")
        }
        if !summary.busy.isEmpty {
            problems.append("\(summary.busy.count) cell(s) are being run by another process: \(summary.busy.joined(separator: ", ")); rerun once it ends")
        }
        if !problems.isEmpty { throw MedadError(problems.joined(separator: "; ")) }
    }
}

