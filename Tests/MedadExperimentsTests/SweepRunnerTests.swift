import Foundation
import MedadConfig
import MedadExperiments
import MedadSupport
import Testing
import MedadTestSupport

@Suite struct SweepRunnerTests {
    @Test func finishedCellsAreSkippedAndFailuresRecordedAndRetried() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let cells = experiment.cells
        let broken = cells[3].id
        let first = FakeExecutor(failing: [broken])
        let summary = SweepRunner(experiment: experiment, root: scratch.url, executor: first).run(cells)
        #expect(summary.finished.count == 15 && summary.failed == [broken] && summary.skipped.isEmpty)
        #expect(first.calls == cells.map(\.id))
        let brokenFolder = experiment.directory(of: cells[3], root: scratch.url)
        #expect(CellStatus(directory: brokenFolder) == .failed(reason: "loss became NaN at step 3"))
        #expect(FileManager.default.fileExists(atPath: brokenFolder.appendingPathComponent("cell.json").path))

        // A rerun touches only the failed cell, and its success clears the failure record.
        let second = FakeExecutor()
        let rerun = SweepRunner(experiment: experiment, root: scratch.url, executor: second).run(cells)
        #expect(second.calls == [broken])
        #expect(rerun.skipped.count == 15 && rerun.finished == [broken] && rerun.failed.isEmpty)
        #expect(CellStatus(directory: brokenFolder) == .finished)
        #expect(!FileManager.default.fileExists(atPath: brokenFolder.appendingPathComponent("failure.json").path))
    }

    @Test func parallelJobsRunEveryCellOnce() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let executor = FakeExecutor()
        let events = EventLog()
        let summary = SweepRunner(experiment: experiment, root: scratch.url, executor: executor, jobs: 3)
            .run(experiment.cells) { events.append($0) }
        #expect(summary.finished == experiment.cells.map(\.id))
        #expect(executor.calls.sorted() == experiment.cells.map(\.id).sorted())
        #expect(events.count == 32)  // started + finished per cell
    }

    /// A cell whose folder another holder has locked is left to it: not run, no failure recorded, the
    /// holder's pid reported; the other cells run, and once the lock goes a rerun runs the cell.
    @Test func aCellLockedByAnotherSweepIsLeftToIt() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let cells = Array(experiment.cells.prefix(3))
        let held = experiment.directory(of: cells[1], root: scratch.url)
        var other: FileLock? = nil
        if case .held(let lock) = try FileLock.acquire(at: held.appendingPathComponent(SweepRunner.lockFile)) { other = lock }
        try #require(other != nil)
        let executor = FakeExecutor()
        let events = EventLog()
        let summary = SweepRunner(experiment: experiment, root: scratch.url, executor: executor).run(cells) { events.append($0) }
        #expect(summary.busy == [cells[1].id] && summary.finished == [cells[0].id, cells[2].id] && summary.failed.isEmpty)
        #expect(executor.calls == [cells[0].id, cells[2].id])
        #expect(CellStatus(directory: held) == .pending)
        #expect(events.all.contains { if case .busy(cells[1].id, 2, 3, getpid()) = $0 { true } else { false } })

        other = nil
        let rerun = SweepRunner(experiment: experiment, root: scratch.url, executor: executor).run(cells)
        #expect(rerun.finished == [cells[1].id] && rerun.skipped.count == 2 && rerun.busy.isEmpty)
        // A child sweep of `--jobs` runs under its parent's lock and takes none of its own.
        let child = SweepRunner(experiment: experiment, root: scratch.url, executor: FakeExecutor(), locksCells: false)
        if case .held(let lock) = try FileLock.acquire(at: experiment.directory(of: experiment.cells[3], root: scratch.url)
            .appendingPathComponent(SweepRunner.lockFile)) { other = lock }
        withExtendedLifetime(other) { #expect(child.run([experiment.cells[3]]).finished == [experiment.cells[3].id]) }
    }

    @Test func anExecutorThatWritesNoResultIsAFailure() throws {
        struct Silent: CellExecutor { func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws {} }
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let summary = SweepRunner(experiment: experiment, root: scratch.url, executor: Silent()).run(Array(experiment.cells.prefix(1)))
        #expect(summary.failed.count == 1)
        #expect(CellStatus(directory: experiment.directory(of: experiment.cells[0], root: scratch.url))
                == .failed(reason: "the cell ended without writing result.json"))
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [SweepEvent] = []
    func append(_ event: SweepEvent) { lock.lock(); events.append(event); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return events.count }
    var all: [SweepEvent] { lock.lock(); defer { lock.unlock() }; return events }
}
