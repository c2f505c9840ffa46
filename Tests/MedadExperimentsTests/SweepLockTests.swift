#if os(Linux)
import Foundation
import MedadExperiments
import Testing
import MedadTestSupport

/// Two sweeps of one experiment at once, on the real binary: the second leaves the cell the first is
/// training to it, says so in one line naming the cell and the first's pid, and exits non-zero. Before,
/// both trained the cell into one folder, overwriting each other's checkpoints.
@Suite struct SweepLockTests {
    @Test(.timeLimit(.minutes(1))) func aSecondSweepLeavesTheRunningCellAlone() throws {
        let scratch = try TemporaryFolder()
        _ = try scratch.write("tiny.json", KillResumeTests.experiment)
        let file = try scratch.write("long.json", SweepChildLifetimeTests.experiment)
        let runs = scratch.file("runs")
        let cell = try #require(try Experiment(url: file).cells.first).id
        let folder = runs.appendingPathComponent("long/\(cell)")
        let first = try KillResumeTests.sweep(file, runs: runs, options: ["--only", cell, "--threads", "1"])
        defer { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() }
        let lockFile = folder.appendingPathComponent(SweepRunner.lockFile)
        try #require(SweepChildLifetimeTests.wait(until: {
            (try? String(contentsOf: lockFile, encoding: .utf8)) == "\(first.processIdentifier)\n"
        }, seconds: 30), "the first sweep locks its cell")

        for jobs in ["1", "2"] {
            let second = try runProcess(medadExecutable, ["sweep", "run", file.path, "--only", cell, "--runs", runs.path, "--jobs", jobs])
            #expect(second.status != 0)
            #expect(second.error.contains("\(cell): being run by another process (pid \(first.processIdentifier)), left to it"), "\(second.error)")
            #expect(second.error.contains("1 cell(s) are being run by another process: \(cell); rerun once it ends"), "\(second.error)")
            #expect(!second.error.contains("Fatal") && !second.error.contains("FAILED"))
        }
        #expect(first.isRunning)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("failure.json").path))
    }

    /// The children of `--jobs 2` run under their parent's locks and take none of their own, so their
    /// cells finish rather than report themselves busy.
    @Test(.timeLimit(.minutes(1))) func jobsChildrenRunUnderTheirParentsLock() throws {
        let scratch = try TemporaryFolder()
        let file = try scratch.write("tiny.json", KillResumeTests.experiment)
        let runs = scratch.file("runs")
        let cells = Array(try Experiment(url: file).cells.prefix(2)).map(\.id)
        let sweep = try runProcess(medadExecutable, ["sweep", "run", file.path, "--only", cells.joined(separator: ","),
                                                     "--runs", runs.path, "--jobs", "2", "--threads", "2"])
        #expect(sweep.status == 0, "\(sweep.error)")
        for cell in cells {
            #expect(FileManager.default.fileExists(atPath: runs.appendingPathComponent("tiny/\(cell)/result.json").path), "\(cell)")
        }
    }
}
#endif
