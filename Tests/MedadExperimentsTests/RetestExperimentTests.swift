import Foundation
import MedadConfig
import MedadExperiments
import MedadMethods
import MedadSupport
import Testing
import MedadTestSupport

/// `reuse_training`: an experiment that scores another experiment's trained cells on larger test sets.
@Suite(.serialized) struct RetestExperimentTests {
    /// Three tiny trained cells (intensity, and a 2-step synth with cnn-s at two seeds). Its phantoms are
    /// the defaults, unspelled, where the retest spells `data.phantom`: matching goes by resolved configs.
    static let origin = """
    {"name": "small", "seed": 0, "backbone": "cnn-s", "method": {"name": "synth"},
     "data": {"size": 16, "contamination": 0.2},
     "train": {"steps": 2, "batch": 4, "val_every": 2, "warmup": 0}, "eval": {"bootstrap": 20, "batch": 8, "examples": 1},
     "sweep": [{"method.name": ["intensity"], "train.steps": [0]}, {"seed": [0, 1]}]}
    """
    static let wide = #"{"extends": "small.json", "name": "small-wide", "reuse_training": "small.json", "data": {"phantom": {"test_subjects": 4, "subjects": 24}}}"#

    @Test func aRetestScoresEveryTrainedCellOnMoreSubjects() throws {
        let scratch = try TemporaryFolder()
        let origin = try Experiment(url: try scratch.write("small.json", Self.origin))
        let wide = try Experiment(url: try scratch.write("wide.json", Self.wide))
        #expect(wide.reusedTraining?.standardizedFileURL == scratch.file("small.json").standardizedFileURL)
        // A file that extends it trains its own cells.
        #expect(try Experiment(url: try scratch.write("more.json", #"{"extends": "wide.json", "name": "more"}"#)).reusedTraining == nil)
        #expect(try Experiment(url: try scratch.write("none.json", #"{"extends": "wide.json", "name": "none", "reuse_training": null}"#))
                .reusedTraining == nil)

        // Before the origin has run, every cell fails with the command that fixes it.
        let early = SweepRunner(experiment: wide, root: scratch.url, executor: try wide.executor(root: scratch.url, backend: MethodRunBackend())).run(wide.cells)
        #expect(early.failed.count == 3)
        #expect(CellStatus(directory: wide.directory(of: wide.cells[0], root: scratch.url)) == .failed(
            reason: "reuse_training: cell \(origin.cells[0].id) of small has not finished; run medad sweep run \(origin.url.path) first"))

        #expect(SweepRunner(experiment: origin, root: scratch.url, executor: try origin.executor(root: scratch.url, backend: MethodRunBackend())).run(origin.cells).failed.isEmpty)
        let summary = SweepRunner(experiment: wide, root: scratch.url, executor: try wide.executor(root: scratch.url, backend: MethodRunBackend())).run(wide.cells)
        #expect(summary.finished.count == 3 && summary.failed.isEmpty)
        for (trained, retested) in zip(origin.cells, wide.cells) {
            let before = try cases(origin.directory(of: trained, root: scratch.url))
            let after = try cases(wide.directory(of: retested, root: scratch.url))
            #expect(after.count == before.count + 4 && Array(after.prefix(before.count)) == before)
        }
        let notebook = String(decoding: try Report(experiment: wide, root: scratch.url, command: "").files()[0].data, as: UTF8.self)
        #expect(notebook.contains("after `medad sweep run \(scratch.file("small.json").path)`: its cells score the weights that experiment's cells trained (`reuse_training`)."))
        #expect(notebook.contains("3 of 3 cells finished."))
    }

    @Test func aCellTheOriginDoesNotTrainIsNamed() throws {
        let scratch = try TemporaryFolder()
        try scratch.write("small.json", Self.origin)
        let wide = try Experiment(url: try scratch.write("wide.json", Self.wide.replacingOccurrences(of: #""name": "small-wide","#,
                                                                                                   with: #""name": "small-wide", "seed": 5,"#)))
        let cell = try #require(wide.cells.first { ConfigComposition.value(at: "seed", in: $0.config) == .number(5) })
        let summary = SweepRunner(experiment: wide, root: scratch.url, executor: try wide.executor(root: scratch.url, backend: MethodRunBackend())).run([cell])
        #expect(summary.failed == [cell.id])
        #expect(CellStatus(directory: wide.directory(of: cell, root: scratch.url)) == .failed(
            reason: "reuse_training: \(scratch.file("small.json").path) has no cell that trains as \(cell.id) does (only name and data.phantom.test_subjects may differ)"))
    }

    @Test func reuseTrainingMustNameAnotherExperimentFile() throws {
        let scratch = try TemporaryFolder()
        let file = try scratch.write("wide.json", #"{"name": "w", "reuse_training": 3}"#)
        #expect(throws: MedadError("\(file.path): reuse_training: expected the path of another experiment file, got a number")) {
            try Experiment(url: file)
        }
        let missing = try scratch.write("missing.json", #"{"name": "w", "reuse_training": "nope.json"}"#)
        #expect(throws: MedadError("\(missing.path): reuse_training: \(scratch.file("nope.json").path): no such config file")) {
            try Experiment(url: missing).executor(root: scratch.url, backend: MethodRunBackend())
        }
        let same = try scratch.write("same.json", #"{"name": "w", "reuse_training": "same.json"}"#)
        #expect(throws: MedadError("\(same.path): reuse_training: \(same.path) has the same name (w); their runs would share a folder")) {
            try Experiment(url: same).executor(root: scratch.url, backend: MethodRunBackend())
        }
    }

    private func cases(_ directory: URL) throws -> [JSONValue] {
        let result = try JSONParser.parse(file: directory.appendingPathComponent(CellStatus.resultFile))
        guard case .array(let cases)? = ConfigComposition.value(at: "cases", in: result) else { throw MedadError("no cases") }
        return cases
    }
}
