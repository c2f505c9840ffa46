import Foundation
import MedadExperiments
import Testing
import MedadTestSupport

/// `medad sweep run --slurm` with the real binary: the array holds the unfinished cells only, and a task
/// run as SLURM runs it (bash with the array variables set, from another folder) finishes its cell.
@Suite struct SlurmArrayTests {
    @Test(.timeLimit(.minutes(1))) func theArrayHoldsTheUnfinishedCellsAndATaskRunsItsCell() throws {
        let scratch = try TemporaryFolder()
        try scratch.write("tiny.json", KillResumeTests.experiment)
        let ids = try Experiment(url: scratch.file("tiny.json")).cells.map(\.id)
        func medad(_ arguments: [String]) throws -> String {
            let run = try runProcess(medadExecutable, arguments, directory: scratch.url)
            #expect(run.status == 0, "medad \(arguments.joined(separator: " ")): \(run.error)")
            return run.output
        }
        func finished(_ id: String) -> Bool { FileManager.default.fileExists(atPath: scratch.file("runs/tiny/\(id)/result.json").path) }

        _ = try medad(["sweep", "run", "tiny.json", "--only", "\(ids[0]),\(ids[3])", "--threads", "1", "--quiet"])
        let wrote = try medad(["sweep", "run", "tiny.json", "--slurm", "job.sh", "--cpus", "1", "--hours", "1"])
        #expect(wrote.contains("wrote job.sh: 6 array tasks (2 cells finished earlier, left out)"))
        let script = try String(contentsOf: scratch.file("job.sh"), encoding: .utf8)
        let listed = script.components(separatedBy: "CELLS=(\n")[1].components(separatedBy: "\n)")[0]
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(listed == ids.enumerated().filter { ![0, 3].contains($0.offset) }.map(\.element))
        #expect(script.contains("#SBATCH --array=0-5\n"))
        #expect(script.contains("#SBATCH --chdir=\(scratch.url.path)\n"))

        // Array task 4 of the six, run from / as a SLURM node would run it.
        let task = try runProcess(URL(fileURLWithPath: "/bin/bash"), [scratch.file("job.sh").path],
                                  environment: ["SLURM_ARRAY_TASK_ID": "4", "SLURM_CPUS_PER_TASK": "1"], directory: URL(fileURLWithPath: "/"))
        #expect(task.status == 0, "\(task.error)")
        #expect(task.error.contains("\(listed[4]): done in"))
        #expect(ids.filter(finished) == [ids[0], ids[3], listed[4]].sorted { ids.firstIndex(of: $0)! < ids.firstIndex(of: $1)! })

        // Nothing left: no script, and a line that says so.
        _ = try medad(["sweep", "run", "tiny.json", "--threads", "1", "--quiet"])
        let none = try medad(["sweep", "run", "tiny.json", "--slurm", "again.sh"])
        #expect(none.contains("all 8 cells finished; nothing to submit"))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("again.sh").path))
    }
}
