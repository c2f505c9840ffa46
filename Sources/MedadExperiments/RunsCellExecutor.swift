import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadTraining

/// The real cell: `Runs.train` (resuming any checkpoints a killed attempt left) then `Runs.evaluate`,
/// which writes result.json atomically as its last step.
public struct RunsCellExecutor: CellExecutor {
    public init() {}

    /// The run-config validator, for `Experiment.validateCells`.
    public static func validate(_ config: JSONValue, _ source: String) throws {
        try Runs.validate(config: config, source: source)
    }

    public func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws {
        let outcome = try Runs.train(config: cell.config, source: source, directory: directory, resume: resume, progress: .silent)
        if case .stoppedNonFinite(let step, let what) = outcome.status {
            throw MedadError("training stopped at step \(step): \(what) is not finite")
        }
        _ = try Runs.evaluate(run: directory)
    }
}
