import ArgumentParser
import Foundation
import MedadConfig
import MedadExperiments
import MedadMethods
import MedadTraining

/// `medad train`: trains one run from a run config (README "Run configs").
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one anomaly detection run into a run directory.",
        discussion: "method.name is one of: \(MethodDescription.all.map(\.name).joined(separator: ", ")). "
            + "`medad methods` lists each method's parameters with their defaults.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Run config (JSON; may use extends).") var config: String
    @Option(name: .customLong("set"), help: "Override a key, e.g. --set method.name=semi (repeatable).")
    var assignments: [String] = []
    @Option(name: .long, help: "Run directory to write.") var out: String
    @Flag(name: .long, help: "Continue from the run directory's last checkpoint when present.") var resume = false
    @Option(name: .customLong("record-twin"),
            help: "Also write the initial weights, every batch and the optimiser settings to this folder, for the PyTorch twin's train-stream (method supervised).")
    var recordTwin: String?

    func run() throws {
        global.apply()
        let url = URL(fileURLWithPath: config), loaded = try ConfigComposition.load(url)
        // An experiment file trains one cell: every sweep axis at its first value unless --set says otherwise.
        let isExperiment = ConfigComposition.value(at: "sweep", in: loaded) != nil || ConfigComposition.value(at: "report", in: loaded) != nil
        let document = isExperiment ? try Experiment.runConfig(from: url, overrides: assignments).config
                                    : try ConfigComposition.apply(assignments, to: loaded)
        let outcome = try Runs.train(config: document, source: config, directory: URL(fileURLWithPath: out), resume: resume,
                                     progress: .automatic(), recordTwin: recordTwin.map { URL(fileURLWithPath: $0) })
        print("\(out): \(outcome.status.name) after \(outcome.steps) steps in \(String(format: "%.1f", outcome.seconds)) s")
    }
}

/// `medad evaluate`: the metric suite on a trained run's test set; writes result.json.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a trained run on its split's test set; writes RUN/result.json.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var trained: TrainedRun
    @Option(name: .long, help: "A reference run on the same data: add paired tests against it (result.json \"versus\").")
    var versus: String?
    @Flag(name: .long, help: "Print result.json instead of a summary.") var json = false

    func run() throws {
        global.apply()
        let directory = trained.path
        let result = try Runs.evaluate(run: trained.url, versus: versus.map { URL(fileURLWithPath: $0) })
        if json {
            print(result.pretty(sortedKeys: true), terminator: "")
            return
        }
        func metric(_ level: String, _ name: String, in value: JSONValue? = result) -> String {
            guard let number = value.flatMap({ ConfigComposition.value(at: "\(level).\(name)", in: $0) }), case .number(let n) = number else {
                return "  n/a"
            }
            return String(format: "%.3f", n)
        }
        print("run \(directory): sample AP \(metric("sample", "ap")) AUROC \(metric("sample", "auroc")); "
              + "pixel AP \(metric("pixel", "ap")) best Dice \(metric("pixel", "best_dice"))")
        for part in ["seen", "unseen"] {
            guard let block = ConfigComposition.value(at: part, in: result), block != .null else { continue }
            print("  \(part): sample AUROC \(metric("sample", "auroc", in: block)), pixel AP \(metric("pixel", "ap", in: block))")
        }
        if let overall = ConfigComposition.value(at: "versus.overall", in: result), case .string(let method)? = ConfigComposition.value(at: "versus.method", in: result) {
            print("  versus \(method) (\(versus ?? "")): sample AUROC difference \(metric("sample", "auroc_difference", in: overall)) "
                  + "(DeLong p \(metric("sample", "delong_p", in: overall))), pixel AP difference \(metric("pixel", "ap_difference", in: overall)) "
                  + "(permutation p \(metric("pixel", "ap_permutation_p", in: overall))); per type in result.json \"versus\"")
        }
    }
}

/// `--run DIR`: a run directory written by `medad train`, for the commands that read one.
struct TrainedRun: ParsableArguments {
    @Option(name: .customLong("run"), help: "Run directory written by medad train.") var path: String

    var url: URL { URL(fileURLWithPath: path) }
}
