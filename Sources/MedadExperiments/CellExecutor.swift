import Foundation
import MedadConfig

/// Trains and evaluates one cell. The runner owns the folder bookkeeping (skip, failure records);
/// an executor only has to leave `directory/result.json` behind, written atomically as its last act.
public protocol CellExecutor: Sendable {
    /// `resume`: a previous attempt may have left checkpoints in `directory`; continue from them.
    func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws
}
