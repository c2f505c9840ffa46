import Foundation
import MedadConfig

/// The real cell: the backend trains it (resuming any checkpoints a killed attempt left) and
/// evaluates it, writing result.json atomically as its last step.
public struct TrainingCellExecutor: CellExecutor {
    private let backend: any RunBackend

    public init(backend: any RunBackend) {
        self.backend = backend
    }

    public func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws {
        try backend.trainAndEvaluate(cell.config, source: source, directory: directory, resume: resume)
    }
}
