import Foundation
import MedadConfig
import MedadSupport

/// What the runner reports while it works, for a progress line per event.
public enum SweepEvent: Sendable {
    case skipped(id: String, index: Int, total: Int)
    case started(id: String, index: Int, total: Int)
    case finished(id: String, index: Int, total: Int, seconds: Double)
    case failed(id: String, index: Int, total: Int, reason: String)
}

/// The outcome of one `run`: cell ids by what happened to them.
public struct SweepSummary: Equatable, Sendable {
    public var skipped: [String] = []
    public var finished: [String] = []
    public var failed: [String] = []
}

/// Runs the cells of an experiment into `<root>/<name>/<cell id>/`. Finished cells are skipped, a
/// failed cell records its reason in failure.json and the sweep goes on; a rerun retries failed and
/// unfinished cells (resuming their checkpoints), so a killed sweep loses nothing and repeats nothing.
public struct SweepRunner {
    public let experiment: Experiment
    public let root: URL
    public let executor: CellExecutor
    /// Cells run at once (each by the executor, which may be a subprocess per cell).
    public let jobs: Int

    public init(experiment: Experiment, root: URL, executor: CellExecutor, jobs: Int = 1) {
        precondition(jobs >= 1, "jobs must be positive")
        self.experiment = experiment
        self.root = root
        self.executor = executor
        self.jobs = jobs
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

    private enum Outcome { case skipped, finished, failed }

    private func runCell(_ cell: SweepCell, index: Int, total: Int, progress: (SweepEvent) -> Void) -> Outcome {
        let directory = experiment.directory(of: cell, root: root)
        if CellStatus(directory: directory) == .finished {
            progress(.skipped(id: cell.id, index: index, total: total))
            return .skipped
        }
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
            let reason = (error as? MedadError)?.message ?? "\(error)"
            // A failure record that cannot be written still leaves the cell unfinished, so a rerun retries it.
            try? CellStatus.recordFailure(reason, cell: cell, in: directory)
            progress(.failed(id: cell.id, index: index, total: total, reason: reason))
            return .failed
        }
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
                case nil: break
                }
            }
            return summary
        }
    }
}
