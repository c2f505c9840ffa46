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
}
