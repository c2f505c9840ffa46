import Foundation
import MedadExperiments
import MedadSupport
import Testing
import MedadTestSupport

/// `report --check` on a written notebook edited the ways another machine or a hand would edit it:
/// values from the runs within or beyond a tolerance, words, timings, marks, figures.
@Suite struct ReportCheckTests {
    /// The fake sweep's report written to notebooks-md/, and the notebook's text.
    func written(_ scratch: TemporaryFolder) throws -> (Report, URL) {
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        let report = Report(experiment: experiment, root: scratch.file("runs"), command: "medad report fake.json")
        try report.write(to: scratch.file("notebooks-md"))
        return (report, scratch.file("notebooks-md"))
    }

    func edit(_ file: URL, _ old: String, _ new: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.components(separatedBy: old).count == 2, "\(old) must occur once in \(file.lastPathComponent)")
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    @Test func aMetricWithinTheTolerancePassesAndBeyondItFailsNamingTheCell() throws {
        let scratch = try TemporaryFolder()
        let (report, out) = try written(scratch)
        let notebook = out.appendingPathComponent("fake.md")
        let exact = try report.compare(against: out)
        #expect(exact.passed)
        #expect(exact.compared > 100 && exact.timings == 8)

        // cnn-s ae at r = 0: 0.610 on this machine, 0.625 on "another".
        try edit(notebook, "| cnn-s | ae | 0.610 ± 0.014 [0.510, 0.660] | 0.610", "| cnn-s | ae | 0.625 ± 0.014 [0.510, 0.660] | 0.610")
        let strict = try report.compare(against: out)
        #expect(strict.failures == ["\(notebook.relativePath):65: table \"`sample.ap` by label ratio\", row cnn-s · ae, column r = 0: "
                                    + "notebook has 0.625, results give 0.610 (off by 0.015)"])
        #expect(strict.textFailures == 0)

        let within = try report.compare(against: out, tolerance: ReportTolerance(absolute: 0.02))
        #expect(within.passed)
        #expect(within.differing == 1)
        #expect(within.largest?.place == "\(notebook.relativePath):65: table \"`sample.ap` by label ratio\", row cnn-s · ae, column r = 0")
        #expect(within.summary.contains("within 0.02, 1 differ, by at most 0.015"))
        // 2% of 0.610 is 0.0122: relative alone is too tight, with 0.005 absolute it is enough.
        #expect(try !report.compare(against: out, tolerance: ReportTolerance(parsing: "2%")).passed)
        #expect(try report.compare(against: out, tolerance: ReportTolerance(parsing: "0.005+2%")).passed)

        let beyond = try report.compare(against: out, tolerance: ReportTolerance(absolute: 0.01))
        #expect(beyond.failures == ["\(notebook.relativePath):65: table \"`sample.ap` by label ratio\", row cnn-s · ae, column r = 0: "
                                    + "notebook has 0.625, results give 0.610 (off by 0.015, beyond 0.01)"])
    }

    @Test func aChangedWordFailsWhateverTheTolerance() throws {
        let scratch = try TemporaryFolder()
        let (report, out) = try written(scratch)
        let notebook = out.appendingPathComponent("fake.md")
        try edit(notebook, "16 of 16 cells finished.", "16 of 16 cells completed.")
        let check = try report.compare(against: out, tolerance: ReportTolerance(absolute: 1))
        #expect(check.failures == ["\(notebook.relativePath):54: text differs: has \"16 of 16 cells completed.\", expected \"16 of 16 cells finished.\""])
        #expect(check.textFailures == 1)
        // A count is text too: a cell fewer is not within any tolerance.
        try edit(notebook, "16 of 16 cells completed.", "15 of 16 cells finished.")
        #expect(try report.compare(against: out, tolerance: ReportTolerance(absolute: 1)).failures.count == 1)
    }

    @Test func timingsAreNeverComparedAndOrderingsOnlyExactly() throws {
        let scratch = try TemporaryFolder()
        let (report, out) = try written(scratch)
        let notebook = out.appendingPathComponent("fake.md")
        try edit(notebook, "| vit-s | ae | 2000 | 1.5 | 0.5 | 4 |", "| vit-s | ae | 2000 | 97.3 | 12.0 | 4 |")
        #expect(try report.compare(against: out).passed)

        // vit-s semi loses its bold and its rank moves: a near-tie on another machine.
        try edit(notebook, "| vit-s | semi | **0.910** ± 0.014 [0.810, 0.960] \\* | **0.920** ± 0.014 [0.820, 0.970] \\* | 1.50 |",
                 "| vit-s | semi | 0.909 ± 0.014 [0.810, 0.960] \\* | **0.920** ± 0.014 [0.820, 0.970] \\* | 2.00 |")
        let strict = try report.compare(against: out)
        #expect(strict.failures.count == 4)
        #expect(strict.failures[0].hasSuffix("row vit-s · semi, column r = 0: \"**\" in the results only"))
        #expect(strict.failures[3].hasSuffix("row vit-s · semi, column rank: notebook has 2.00, results give 1.50"))
        let tolerant = try report.compare(against: out, tolerance: ReportTolerance(absolute: 0.005))
        #expect(tolerant.passed)
        #expect(tolerant.uncompared == 3 && tolerant.differing == 1)
    }

    @Test func tablesAndFiguresOutsideTheNotebookAreComparedToo() throws {
        let scratch = try TemporaryFolder()
        let (report, out) = try written(scratch)
        let csv = out.appendingPathComponent("fake/tables.csv")
        try edit(csv, "sample.ap,cnn-s,ae,0,2,0.6100,", "sample.ap,cnn-s,ae,0,2,0.6400,")
        #expect(try report.compare(against: out).failures
                == ["\(csv.relativePath):4: row sample.ap · cnn-s · ae · 0 · 2, column mean: notebook has 0.6400, results give 0.6100 (off by 0.03)"])
        try edit(csv, "0.6400", "0.6100")

        // A curve another machine drew differently, and an example map with other pixels of the same size.
        let roc = out.appendingPathComponent("fake/roc-cnn-s.svg")
        let svg = try String(contentsOf: roc, encoding: .utf8)
        let points = svg.components(separatedBy: "<polyline points=\"")[1].components(separatedBy: "\"")[0]
        try edit(roc, points, "56.0,274.0 350.0,30.0")
        var png = try Data(contentsOf: out.appendingPathComponent("fake/example-cnn-s-ae.png"))
        png[png.count - 20] ^= 0xFF
        try png.write(to: out.appendingPathComponent("fake/example-cnn-s-ae.png"))
        let strict = try report.compare(against: out)
        #expect(strict.failures.count == 2)
        #expect(strict.failures[0].hasPrefix("\(out.relativePath)/fake/roc-cnn-s.svg:"))
        #expect(strict.failures[0].hasSuffix(": plotted data differ from what the results give"))
        #expect(strict.failures[1] == "\(out.relativePath)/fake/example-cnn-s-ae.png: image differs from what the results give")
        let tolerant = try report.compare(against: out, tolerance: ReportTolerance(absolute: 0.01))
        #expect(tolerant.passed && tolerant.uncompared == 2)
        // A figure's words are text: a changed title fails under any tolerance.
        try edit(roc, ">ROC, cnn-s, label ratio 0.25<", ">ROC curve, cnn-s, label ratio 0.25<")
        #expect(try report.compare(against: out, tolerance: ReportTolerance(absolute: 1)).textFailures == 1)
    }

    @Test func toleranceParsing() throws {
        #expect(try ReportTolerance(parsing: "0.02") == ReportTolerance(absolute: 0.02))
        #expect(try ReportTolerance(parsing: "5%") == ReportTolerance(relative: 0.05))
        #expect(try ReportTolerance(parsing: "0.02+5%") == ReportTolerance(absolute: 0.02, relative: 0.05))
        #expect(try ReportTolerance(parsing: "0.02+5%").description == "0.02+5%")
        for bad in ["", "abc", "-0.1", "1%+2%", "0.1+0.2", "inf"] {
            #expect(throws: MedadError.self, "\(bad)") { try ReportTolerance(parsing: bad) }
        }
    }

    @Test func theCommandPrintsOneLinePerDifference() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        #expect(try runProcess(medadExecutable, ["report", "fake.json"], directory: scratch.url).status == 0)
        try edit(scratch.file("notebooks-md/fake.md"), "| cnn-s | ae | 0.610 ± 0.014 [0.510, 0.660] | 0.610",
                 "| cnn-s | ae | 0.625 ± 0.014 [0.510, 0.660] | 0.650")
        let arguments = ["report", "fake.json", "--check"]
        let exact = try runProcess(medadExecutable, arguments, directory: scratch.url)
        #expect(exact.status == 1)
        let lines = exact.error.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "notebooks-md/fake.md:65: table \"`sample.ap` by label ratio\", row cnn-s · ae, column r = 0: "
                + "notebook has 0.625, results give 0.610 (off by 0.015)")
        #expect(lines[1].hasPrefix("notebooks-md/fake.md:65: table \"`sample.ap` by label ratio\", row cnn-s · ae, column r = 0.25: notebook has 0.650"))
        #expect(lines[2].hasPrefix("Error: notebooks-md/fake.md: 2 difference(s) from what the results give, listed above; "
                                   + "only what the runs give differs: results from another machine? compare with --tolerance"))
        let within = try runProcess(medadExecutable, arguments + ["--tolerance", "0.05"], directory: scratch.url)
        #expect(within.status == 0, "\(within.error)")
        #expect(within.output.hasPrefix("notebooks-md/fake.md is up to date: "))
        #expect(within.output.contains("within 0.05, 2 differ, by at most 0.04 (notebooks-md/fake.md:65:"))
        let beyond = try runProcess(medadExecutable, arguments + ["--tolerance", "0.02"], directory: scratch.url)
        #expect(beyond.status == 1)
        #expect(beyond.error.contains("notebook has 0.650, results give 0.610 (off by 0.04, beyond 0.02)"))
        #expect(!beyond.error.contains("notebook has 0.625"))
    }
}
