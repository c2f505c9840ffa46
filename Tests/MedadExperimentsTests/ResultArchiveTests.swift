import Foundation
import MedadConfig
import MedadExperiments
import MedadNN
import MedadSupport
import MedadTensor
import Testing
import MedadTestSupport

/// The archive beside a notebook stands in for runs that are gone (a fresh clone), never for runs
/// that are there.
@Suite struct ResultArchiveTests {
    /// The fake leave-one-volume-out sweep (its cells write pixel histograms), run and archived, with
    /// every run's examples file given a second case that sorts after the one the notebook shows.
    func archivedFolds(_ scratch: TemporaryFolder) throws -> (Experiment, ResultArchive) {
        try scratch.write("fake.json", fakeExperiment)
        let experiment = try Experiment(url: try scratch.write("folds.json", foldExperiment))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        for cell in experiment.cells {
            let url = experiment.directory(of: cell, root: scratch.file("runs")).appendingPathComponent("examples.safetensors")
            var content = try SafeTensors.read(url)
            for kind in ["image", "map", "mask"] { content.tensors["\(kind).case_9"] = Tensor(shape: [2, 2], values: [1, 2, 3, 4]) }
            try SafeTensors.write(content, to: url)
        }
        let archive = ResultArchive(notebooks: scratch.file("notebooks-md"))
        let selection = try Report(experiment: experiment, root: scratch.file("runs"), command: "").archiveSelection()
        #expect(selection.histograms)
        #expect(try archive.store(experiment, from: scratch.file("runs"), keeping: selection) == experiment.cells.count)
        return (experiment, archive)
    }

    @Test func aNotebookChecksAndRegeneratesFromItsArchiveOnceTheRunsAreGone() throws {
        let scratch = try TemporaryFolder()
        let (experiment, archive) = try archivedFolds(scratch)
        let runs = scratch.file("runs"), notebooks = scratch.file("notebooks-md")
        let written = try Report(experiment: experiment, root: runs, command: "medad report folds.json", archive: archive).files()
        try Report(experiment: experiment, root: runs, command: "medad report folds.json").write(to: notebooks)
        try FileManager.default.removeItem(at: runs)

        let fromArchive = Report(experiment: experiment, root: runs, command: "medad report folds.json", archive: archive)
        try fromArchive.check(against: notebooks)
        #expect(try fromArchive.files().map(\.path) == written.map(\.path))
        #expect(try zip(fromArchive.files(), written).allSatisfy { $0.data == $1.data })
        // The pooled per-test-set tables read the archived pixel histograms.
        #expect(String(decoding: written[0].data, as: UTF8.self).contains("## Per test set and pooled"))
        // Of the examples files only the shown case's slice is kept, of the runs whose slice the notebook
        // shows: each row's lowest seed at the largest ratio, on the first test set.
        let shown = try fromArchive.archiveSelection().examplesOf
        let shownRuns = try RunRecord.load(experiment, root: runs, archive: archive).records.filter { shown.contains($0.cellId) }
        #expect(shownRuns.count == 2 && shownRuns.allSatisfy { $0.labelRatio == 0.25 && $0.testName == "fold-0" })
        for cell in experiment.cells {
            let url = archive.directory(of: cell, in: experiment).appendingPathComponent("examples.safetensors")
            if shown.contains(cell.id) {
                #expect(try SafeTensors.read(url).tensors.keys.sorted() == ["image.case_1", "map.case_1", "mask.case_1"])
            } else {
                #expect(!FileManager.default.fileExists(atPath: url.path))
            }
        }

        let withoutArchive = String(decoding: try Report(experiment: experiment, root: runs, command: "").files()[0].data, as: UTF8.self)
        #expect(withoutArchive.contains("0 of 8 cells finished."))
    }

    @Test func aCellInTheRunsFolderIsReadFromThereNotFromTheArchive() throws {
        let scratch = try TemporaryFolder()
        let (experiment, archive) = try archivedFolds(scratch)
        let runs = scratch.file("runs")
        let cell = experiment.cells[0]
        let result = experiment.directory(of: cell, root: runs).appendingPathComponent("result.json")
        let edited = try String(contentsOf: result, encoding: .utf8).replacingOccurrences(of: "\"seed\": 0", with: "\"seed\": 7")
        try AtomicFile.write(edited, to: result)
        let records = try RunRecord.load(experiment, root: runs, archive: archive).records
        #expect(records.first { $0.cellId == cell.id }?.seed == 7)
        #expect(records.first { $0.cellId == cell.id }?.directory.path == experiment.directory(of: cell, root: runs).path)
        #expect(archive.standsIn(for: experiment, root: runs) == 0)
        try FileManager.default.removeItem(at: experiment.directory(of: cell, root: runs))
        #expect(try RunRecord.load(experiment, root: runs, archive: archive).records.first { $0.cellId == cell.id }?.seed == 0)
        #expect(archive.standsIn(for: experiment, root: runs) == 1)
    }

    @Test func storingDropsCellsTheSweepNoLongerDeclaresAndKeepsOnesRunElsewhere() throws {
        let scratch = try TemporaryFolder()
        let (experiment, archive) = try archivedFolds(scratch)
        let stale = archive.folder(of: experiment).appendingPathComponent("cnn-s_semi_0_00000000")
        try AtomicFile.write("{}", to: stale.appendingPathComponent("result.json"))
        // A cell archived earlier whose run is not on this machine stays archived.
        try FileManager.default.removeItem(at: experiment.directory(of: experiment.cells[1], root: scratch.file("runs")))
        #expect(try archive.store(experiment, from: scratch.file("runs"), keeping: .init(examplesOf: [], histograms: true)) == experiment.cells.count - 1)
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(archive.holds(experiment.cells[1], of: experiment))
    }

    /// Through the CLI: `report` archives, `sweep plan` shows what only the archive holds, and
    /// `sweep run --skip-archived` leaves it out (here of a SLURM script, so nothing trains).
    @Test func theCommandLineArchivesShowsAndSkipsArchivedCells() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let ran = Array(experiment.cells.prefix(3))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(ran)
        // One test set: nothing pools pixel histograms, so none are kept.
        #expect(try !Report(experiment: experiment, root: scratch.file("runs"), command: "").archiveSelection().histograms)
        let written = try runProcess(medadExecutable, ["report", "fake.json"], directory: scratch.url)
        #expect(written.status == 0, "\(written.error)")
        #expect(written.output == "wrote notebooks-md/fake.md; result files of 3 cells kept in notebooks-md/fake/results/\n")
        try FileManager.default.removeItem(at: scratch.file("runs"))
        let checked = try runProcess(medadExecutable, ["report", "fake.json", "--check"], directory: scratch.url)
        #expect(checked.status == 0, "\(checked.error)")
        #expect(checked.output.hasSuffix("; 3 of 16 cells read from the result archive, not from runs/ (rerun the sweep to reproduce them)\n"))

        let plan = try runProcess(medadExecutable, ["sweep", "plan", "fake.json"], directory: scratch.url)
        #expect(plan.output.contains("\(ran[0].id)  archived\n"))
        #expect(plan.output.contains("\(experiment.cells[3].id)  pending\n"))
        let slurm = try runProcess(medadExecutable, ["sweep", "run", "fake.json", "--slurm", "job.sh", "--skip-archived"], directory: scratch.url)
        #expect(slurm.status == 0, "\(slurm.error)")
        #expect(slurm.output.hasPrefix("wrote job.sh: \(experiment.cells.count - 3) array tasks;"))
        let script = try String(contentsOf: scratch.file("job.sh"), encoding: .utf8)
        #expect(!script.contains(ran[0].id) && script.contains(experiment.cells[3].id))
    }
}
