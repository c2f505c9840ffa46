import Foundation
import MedadConfig
import MedadSupport
import MedadTraining

/// Runs as `Runs` trains, evaluates and retests them, for the sweeps and reports of MedadExperiments.
public struct MethodRunBackend: RunBackend {
    public init() {}

    public func validate(_ config: JSONValue, source: String) throws {
        try Runs.validate(config: config, source: source)
    }

    public func describe(_ config: JSONValue, source: String) throws -> RunDescription {
        let run = try RunConfig(config, source: source)
        return RunDescription(backbone: run.backbone.name, method: run.method.label, labelRatio: run.data.labelRatio,
                              seed: Int(run.seed), testFolder: run.data.folders?.test)
    }

    public func trainingIdentity(_ config: JSONValue, source: String) throws -> String {
        try RunConfig.trainingIdentity(of: config, source: source)
    }

    public func trainAndEvaluate(_ config: JSONValue, source: String, directory: URL, resume: Bool) throws {
        let outcome = try Runs.train(config: config, source: source, directory: directory, resume: resume, progress: .silent)
        if case .stoppedNonFinite(let step, let what) = outcome.status {
            throw MedadError("training stopped at step \(step): \(what) is not finite")
        }
        _ = try Runs.evaluate(run: directory)
    }

    public func retest(trained: URL, config: JSONValue, source: String, into directory: URL) throws {
        _ = try Runs.retest(run: trained, config: config, source: source, into: directory)
    }
}
