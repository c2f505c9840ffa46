import Foundation
import MedadConfig
import MedadSupport

/// The cells of an experiment with `reuse_training`: each is scored with the weights its twin cell of the
/// other experiment trained (the cell with the same training identity), on its own, larger, test set
/// (`RunBackend.retest`); nothing trains again.
public struct RetestCellExecutor: CellExecutor {
    private struct TrainedCell: Sendable {
        /// `RunBackend.trainingIdentity` of its config.
        let part: String
        let id: String
        let directory: URL
    }

    private let trained: [TrainedCell]
    private let originName: String
    private let originPath: String
    private let backend: any RunBackend

    /// `origin`: the experiment whose cells trained the models, their runs under `root` as `medad sweep run` left them.
    public init(origin: Experiment, root: URL, backend: any RunBackend) throws {
        trained = try origin.cells.map {
            TrainedCell(part: try backend.trainingIdentity($0.config, source: origin.url.path), id: $0.id,
                        directory: origin.directory(of: $0, root: root))
        }
        originName = origin.name
        originPath = origin.url.path
        self.backend = backend
    }

    public func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws {
        let part = try backend.trainingIdentity(cell.config, source: source)
        guard let twin = trained.first(where: { $0.part == part }) else {
            throw MedadError("reuse_training: \(originPath) has no cell that trains as \(cell.id) does "
                             + "(only name and data.phantom.test_subjects may differ)")
        }
        guard CellStatus(directory: twin.directory) == .finished else {
            throw MedadError("reuse_training: cell \(twin.id) of \(originName) has not finished; run medad sweep run \(originPath) first")
        }
        try backend.retest(trained: twin.directory, config: cell.config, source: source, into: directory)
    }
}
