import Foundation
import MedadConfig
import MedadSupport

/// What the runner reports while it works, for a progress line per event.
public enum SweepEvent: Sendable {
    case skipped(id: String, index: Int, total: Int)
    case started(id: String, index: Int, total: Int)
    case finished(id: String, index: Int, total: Int, seconds: Double)
    case failed(id: String, index: Int, total: Int, reason: String)
    /// Another process holds the cell's lock (its pid when known); the cell is left to it.
    case busy(id: String, index: Int, total: Int, holder: Int32?)
}

/// The outcome of one `run`: cell ids by what happened to them.
public struct SweepSummary: Equatable, Sendable {
    public var skipped: [String] = []
    public var finished: [String] = []
    public var failed: [String] = []
    /// Cells another process was running, left alone.
    public var busy: [String] = []
}

/// Runs the cells of an experiment into `<root>/<name>/<cell id>/`. Finished cells are skipped, a
/// failed cell records its reason in failure.json and the sweep goes on; a rerun retries failed and
/// unfinished cells (resuming their checkpoints), so a killed sweep loses nothing and repeats nothing.
/// A cell's folder is locked while it runs (`lockFile`), so a second sweep of the same experiment,
/// in another process, leaves it alone and goes on with the cells nobody holds.
public struct SweepRunner {
    /// In the cell's folder; holds the running process's id.
    public static let lockFile = ".sweep.lock"

    public let experiment: Experiment
    public let root: URL
    public let executor: CellExecutor
    /// Cells run at once (each by the executor, which may be a subprocess per cell).
    public let jobs: Int
    /// False in the child sweep of a `ProcessCellExecutor`, whose parent holds the cell's lock.
    public let locksCells: Bool

    public init(experiment: Experiment, root: URL, executor: CellExecutor, jobs: Int = 1, locksCells: Bool = true) {
        precondition(jobs >= 1, "jobs must be positive")
        self.experiment = experiment
        self.root = root
        self.executor = executor
        self.jobs = jobs
        self.locksCells = locksCells
    }

    public func run(_ cells: [SweepCell], progress: @escaping @Sendable (SweepEvent) -> Void = { _ in }) -> SweepSummary {
        let total = cells.count
        let state = RunnerState()
        DispatchQueue.concurrentPerform(iterations: Swift.min(jobs, Swift.max(total, 1))) { _ in
            while let index = state.claim(below: total) {
                let outcome = runCell(cells[index], index: index + 1, total: total, progress: progress)
                state.record(outcome, id: cells[index].id)
            }
        }
        return state.summary(order: cells.map(\.id))
    }

    private enum Outcome { case skipped, finished, failed, busy }

    private func runCell(_ cell: SweepCell, index: Int, total: Int, progress: (SweepEvent) -> Void) -> Outcome {
        let directory = experiment.directory(of: cell, root: root)
        if CellStatus(directory: directory) == .finished {
            progress(.skipped(id: cell.id, index: index, total: total))
            return .skipped
        }
        guard locksCells else { return execute(cell, in: directory, index: index, total: total, progress: progress) }
        let lock: FileLock
        do {
            switch try FileLock.acquire(at: directory.appendingPathComponent(Self.lockFile)) {
            case .held(let held): lock = held
            case .busy(let holder):
                progress(.busy(id: cell.id, index: index, total: total, holder: holder))
                return .busy
            }
        } catch {
            return fail(cell, in: directory, index: index, total: total, error: error, progress: progress)
        }
        return withExtendedLifetime(lock) {
            // Another sweep may have finished it between the check above and the lock.
            if CellStatus(directory: directory) == .finished {
                progress(.skipped(id: cell.id, index: index, total: total))
                return .skipped
            }
            return execute(cell, in: directory, index: index, total: total, progress: progress)
        }
    }

    private func execute(_ cell: SweepCell, in directory: URL, index: Int, total: Int, progress: (SweepEvent) -> Void) -> Outcome {
        progress(.started(id: cell.id, index: index, total: total))
        let start = Date()
        do {
            try AtomicFile.write(cell.config.pretty(), to: directory.appendingPathComponent("cell.json"))
            try executor.run(cell: cell, source: experiment.url.path, directory: directory, resume: true)
            guard CellStatus(directory: directory) == .finished else {
                throw MedadError("the cell ended without writing \(CellStatus.resultFile)")
            }
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(CellStatus.failureFile))
            progress(.finished(id: cell.id, index: index, total: total, seconds: Date().timeIntervalSince(start)))
            return .finished
        } catch {
            return fail(cell, in: directory, index: index, total: total, error: error, progress: progress)
        }
    }

    private func fail(_ cell: SweepCell, in directory: URL, index: Int, total: Int, error: Error,
                      progress: (SweepEvent) -> Void) -> Outcome {
        let reason = (error as? MedadError)?.message ?? "\(error)"
        // A failure record that cannot be written still leaves the cell unfinished, so a rerun retries it.
        try? CellStatus.recordFailure(reason, cell: cell, in: directory)
        progress(.failed(id: cell.id, index: index, total: total, reason: reason))
        return .failed
    }

    /// Shared between worker threads: the next cell to claim and the outcomes so far.
    private final class RunnerState: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var outcomes: [String: Outcome] = [:]

        func claim(below total: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < total else { return nil }
            next += 1
            return next - 1
        }

        func record(_ outcome: Outcome, id: String) {
            lock.lock(); defer { lock.unlock() }
            outcomes[id] = outcome
        }

        func summary(order: [String]) -> SweepSummary {
            lock.lock(); defer { lock.unlock() }
            var summary = SweepSummary()
            for id in order {
                switch outcomes[id] {
                case .skipped?: summary.skipped.append(id)
                case .finished?: summary.finished.append(id)
                case .failed?: summary.failed.append(id)
                case .busy?: summary.busy.append(id)
                case nil: break
                }
            }
            return summary
        }
    }
}
