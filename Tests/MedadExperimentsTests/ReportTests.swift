import Foundation
import MedadConfig
import MedadExperiments
import MedadMethods
import MedadSupport
import Testing
import MedadTestSupport

@Suite struct ReportTests {
    /// Runs the fake sweep and returns its report.
    func report(_ scratch: TemporaryFolder, failing: Int? = nil) throws -> (Experiment, Report) {
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        let failing = failing.map { Set([experiment.cells[$0].id]) } ?? []
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor(failing: failing)).run(experiment.cells)
        return (experiment, Report(experiment: experiment, root: scratch.file("runs"), command: "medad report fake.json"))
    }

    @Test func notebookTablesShowMeanStdIntervalBoldBestAndSignificance() throws {
        let scratch = try TemporaryFolder()
        let (_, report) = try report(scratch)
        let notebook = String(decoding: try report.files()[0].data, as: UTF8.self)
        #expect(notebook.contains("```sh\nmedad report fake.json\n```"))
        #expect(notebook.contains("16 of 16 cells finished."))
        // semi at ratio 0.25: AP 0.91 and 0.93 over seeds 0, 1: mean 0.92, std 0.0141; CI bounds mean (0.81+0.83)/2, (0.96+0.98)/2.
        // Both backbones' semi rows tie for best (bold) and share ranks 1 and 2.
        #expect(notebook.contains("| cnn-s | semi | **0.910** ± 0.014 [0.810, 0.960] \\* | **0.920** ± 0.014 [0.820, 0.970] \\* | 1.50 |"))
        // ae is the reference: no mark, never best.
        #expect(notebook.contains("| cnn-s | ae | 0.610 ± 0.014 [0.510, 0.660] | 0.610 ± 0.014 [0.510, 0.660] | 3.50 |"))
        #expect(notebook.contains("### `pixel.ap` by label ratio"))
        #expect(notebook.contains("| cnn-s | semi | 0.960 / 0.810 | 0.970 / 0.820 |"))
        #expect(notebook.contains("| backbone | method | noise (unseen) | sphere (seen) |"))
        #expect(notebook.contains("| vit-s | ae | 2000 | 1.5 | 0.5 | 4 |"))
        #expect(notebook.contains("![ROC, cnn-s](fake/roc-cnn-s.svg)"))
        #expect(notebook.contains("![cnn-s semi](fake/example-cnn-s-semi.png)"))
        // Pixel metrics carry no significance mark (no paired per-case scores).
        let pixel = notebook.components(separatedBy: "### `pixel.ap`")[1].components(separatedBy: "##")[0]
        #expect(!pixel.contains("\\*"))
    }

    /// `report.per_type` picks the metrics tabulated per anomaly type (sample AP only by default).
    @Test func perTypeTablesFollowTheReportSettings() throws {
        let scratch = try TemporaryFolder()
        let text = fakeExperiment.replacingOccurrences(of: #""resamples": 200}"#, with: #""resamples": 200, "per_type": ["pixel.ap", "sample.ap"]}"#)
        let experiment = try Experiment(url: try scratch.write("fake.json", text))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        let notebook = String(decoding: try Report(experiment: experiment, root: scratch.file("runs"), command: "").files()[0].data,
                              as: UTF8.self)
        let pixel = try #require(notebook.range(of: "Pixel AP per anomaly type")), sample = try #require(notebook.range(of: "Sample AP per anomaly type"))
        #expect(pixel.lowerBound < sample.lowerBound)
        // semi's fake pixel AP per type: its sample AP (0.9 + 0.02·seed at r = 0) − 0.4 for noise, − 0.25 for sphere.
        #expect(notebook[pixel.upperBound...].contains("| cnn-s | semi | 0.510 ± 0.014 | 0.660 ± 0.014 |"))
        let bad = fakeExperiment.replacingOccurrences(of: #""resamples": 200}"#, with: #""resamples": 200, "per_type": ["pixel.dice"]}"#)
        #expect(throws: MedadError.self) { try Experiment(url: try scratch.write("bad.json", bad)) }
    }

    /// `report.backbone_reference` divides every other backbone by it per type: the ratio of the means
    /// over shared seeds, with the per-seed extremes; a backbone the sweep does not run is refused.
    @Test func perTypeRatiosAgainstAReferenceBackbone() throws {
        let scratch = try TemporaryFolder()
        let text = fakeExperiment.replacingOccurrences(of: #""resamples": 200}"#,
                                                       with: #""resamples": 200, "per_type": ["pixel.ap"], "backbone_reference": "cnn-s"}"#)
        let experiment = try Experiment(url: try scratch.write("fake.json", text))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        // vit-s semi at r = 0 finds half of cnn-s's noise at seed 0 (0.25 against 0.50) and all of it at seed 1 (0.52).
        try setVitNoisePixelAP(0.25, seed: 0, experiment, root: scratch.file("runs"))
        let report = Report(experiment: experiment, root: scratch.file("runs"), command: "")
        let notebook = String(decoding: try report.files()[0].data, as: UTF8.self)
        try report.write(to: scratch.file("notebooks-md"))
        try report.check(against: scratch.file("notebooks-md"))
        let section = try #require(notebook.components(separatedBy: "The same against `cnn-s`").dropFirst().first)
        let table = section.components(separatedBy: "Label ratio")[0]
        // (0.25 + 0.52) / (0.50 + 0.52) = 0.755; Fieller over two seeds (scipy: t-test of a − ρb inverted) is
        // [−3.47, 3.30], shown from 0.
        #expect(table.contains("| backbone | method | all types | noise | sphere |"))
        #expect(table.contains("| vit-s | semi | 1.00× [1.00×, 1.00×] | 0.75× [0.00×, 3.30×] | 1.00× [1.00×, 1.00×] |"))
        #expect(!table.contains("| cnn-s |"))
        // A paper's per-type view shows the same table, even over rows that leave the reference out.
        let paperText = #"{"name": "paper", "title": "Paper", "blocks": [{"table": {"experiment": "fake.json", "view": "per-type", "backbones": ["vit-s"], "methods": ["semi"]}}]}"#
        let paper = try PaperReport(url: try scratch.write("paper.json", paperText), root: scratch.file("runs"), command: "",
                                    backend: MethodRunBackend(), directory: scratch.url)
        let paperNotebook = String(decoding: try paper.files().first { $0.path == "paper.md" }!.data, as: UTF8.self)
        #expect(paperNotebook.contains("The same against `cnn-s`"))
        #expect(paperNotebook.contains("| vit-s | semi | 1.00× [1.00×, 1.00×] | 0.75× [0.00×, 3.30×] | 1.00× [1.00×, 1.00×] |"))
        let bad = text.replacingOccurrences(of: #""backbone_reference": "cnn-s""#, with: #""backbone_reference": "cnn_s""#)
        #expect(throws: MedadError("\(scratch.file("bad.json").path): report.backbone_reference: \"cnn_s\" is not a backbone of this sweep; "
                                   + "expected one of cnn-s, vit-s")) {
            try Experiment(url: try scratch.write("bad.json", bad)).validateBackboneReference(MethodRunBackend())
        }
        // A paper reading that experiment is refused with the same line, under the paper's key.
        #expect(throws: MedadError("\(scratch.file("bad-paper.json").path): blocks[0].table.experiment: "
                                   + "\(scratch.file("bad.json").path): report.backbone_reference: \"cnn_s\" is not a backbone of this sweep; "
                                   + "expected one of cnn-s, vit-s")) {
            try PaperReport(url: try scratch.write("bad-paper.json", paperText.replacingOccurrences(of: "fake.json", with: "bad.json")),
                            root: scratch.file("runs"), command: "", backend: MethodRunBackend(), directory: scratch.url)
        }
        // A sweep that leaves `backbone` to its default runs cnn-s, so cnn-s is a reference it can name.
        let defaulted = #"{"name": "d", "data": {"source": "phantom"}, "method": {"name": "ae"}, "sweep": {"seed": [0, 1]}, "report": {"backbone_reference": "cnn-s"}}"#
        try Experiment(url: try scratch.write("defaulted.json", defaulted)).validateBackboneReference(MethodRunBackend())
    }

    /// Sets vit-s semi's noise pixel AP at label ratio 0 and `seed` in a fake sweep's result.
    private func setVitNoisePixelAP(_ value: Double, seed: Double, _ experiment: Experiment, root: URL) throws {
        for cell in experiment.cells {
            let url = experiment.directory(of: cell, root: root).appendingPathComponent("result.json")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }  // a cell made to fail
            var result = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            guard result["backbone"] as? String == "vit-s", result["method"] as? String == "semi", result["label_ratio"] as? Double == 0,
                  result["seed"] as? Double == seed else { continue }
            var perType = result["per_type"] as! [String: Any], noise = perType["noise"] as! [String: Any]
            var pixel = noise["pixel"] as! [String: Any]
            pixel["ap"] = value
            noise["pixel"] = pixel; perType["noise"] = noise; result["per_type"] = perType
            try JSONSerialization.data(withJSONObject: result).write(to: url)
        }
    }

    /// Seeds 0, 1 in one experiment and 2, 3 in another, read by one paper table as four seeds.
    @Test func aPaperTableReadsSeveralExperimentsAsOneSweep() throws {
        let scratch = try TemporaryFolder()
        let text = fakeExperiment.replacingOccurrences(of: #""resamples": 200}"#,
                                                       with: #""resamples": 200, "per_type": ["pixel.ap"], "backbone_reference": "cnn-s"}"#)
        let later = text.replacingOccurrences(of: #""name": "fake""#, with: #""name": "later""#)
            .replacingOccurrences(of: #""seed": [0, 1]"#, with: #""seed": [2, 3]"#)
        for (file, body, seed, value) in [("fake.json", text, 0.0, 0.25), ("later.json", later, 2.0, 0.27)] {
            let experiment = try Experiment(url: try scratch.write(file, body))
            // One cell of later.json (ae, not in the rows checked below) fails, to be listed under later.json alone.
            let failing = Set(experiment.cells.map(\.id).filter { file == "later.json" && $0.hasPrefix("cnn-s_ae_0.25_3") })
            #expect(file == "fake.json" || failing.count == 1)
            _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor(failing: failing)).run(experiment.cells)
            try setVitNoisePixelAP(value, seed: seed, experiment, root: scratch.file("runs"))
        }
        func paper(_ experiments: String) throws -> PaperReport {
            let text = #"{"name": "paper", "title": "P", "blocks": [{"table": {"experiments": \#(experiments), "view": "per-type"}}]}"#
            return try PaperReport(url: try scratch.write("paper.json", text), root: scratch.file("runs"), command: "",
                                   backend: MethodRunBackend(), directory: scratch.url)
        }
        let notebook = String(decoding: try paper(#"["fake.json", "later.json"]"#).files().first { $0.path == "paper.md" }!.data,
                              as: UTF8.self)
        #expect(notebook.contains("From `fake.json` and `later.json`."))
        #expect(notebook.contains("Not finished in `later.json` (1 cell, shown as –):") && !notebook.contains("Not finished in `fake.json`"))
        // cnn-s's noise is 0.50, 0.52, 0.54, 0.56 at seeds 0–3, vit-s's 0.25, 0.52, 0.27, 0.56: 1.60 / 2.12 = 0.755;
        // Fieller over four seeds (scipy, the t-test of a − ρb inverted) [0.278, 1.200].
        #expect(notebook.contains("| vit-s | semi | 1.00× [1.00×, 1.00×] | 0.75× [0.28×, 1.20×] | 1.00× [1.00×, 1.00×] |"))
        // Means over four seeds: cnn-s semi's noise (0.50 + 0.52 + 0.54 + 0.56) / 4.
        #expect(notebook.contains("| cnn-s | semi | 0.530 ± 0.026 |"))
        try scratch.write("overlap.json", later.replacingOccurrences(of: #""seed": [2, 3]"#, with: #""seed": [1, 2]"#)
            .replacingOccurrences(of: #""name": "later""#, with: #""name": "overlap""#))
        #expect(throws: MedadError("\(scratch.file("paper.json").path): blocks[0].table.experiments: fake.json and overlap.json both run cnn-s · semi at "
                                   + "label ratio 0, seed 1; experiments read as one need distinct seeds")) {
            try paper(#"["fake.json", "overlap.json"]"#)
        }
        func error(_ table: String) -> String {
            let text = #"{"name": "paper", "title": "P", "blocks": [{"table": {\#(table), "view": "per-type"}}]}"#
            do {
                _ = try PaperReport(url: try scratch.write("bad.json", text), root: scratch.file("runs"), command: "",
                                    backend: MethodRunBackend(), directory: scratch.url)
                return "no error"
            } catch { return (error as? MedadError)?.message ?? "\(error)" }
        }
        let bad = scratch.file("bad.json").path
        #expect(error(#""experiments": ["fake.json", "fake.json"]"#)
                == "\(bad): blocks[0].table.experiments: fake.json is listed twice; expected distinct experiment files")
        #expect(error(#""experiment": "fake.json", "experiments": ["later.json"]"#)
                == "\(bad): blocks[0].table.experiments: give either experiment or experiments, not both")
    }

    @Test func writtenFilesPassCheckAndAnEditFailsIt() throws {
        let scratch = try TemporaryFolder()
        let (_, report) = try report(scratch)
        let out = scratch.file("notebooks-md")
        let notebook = try report.write(to: out)
        #expect(notebook.lastPathComponent == "fake.md")
        for name in ["tables.csv", "tables.tex", "sample.ap-vs-ratio-vit-s.svg", "pr-cnn-s.svg", "example-vit-s-ae.png"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("fake/\(name)").path), "\(name)")
        }
        try report.check(against: out)
        var text = try String(contentsOf: notebook, encoding: .utf8)
        text = text.replacingOccurrences(of: "**0.920**", with: "**0.921**")
        try text.write(to: notebook, atomically: true, encoding: .utf8)
        do { try report.check(against: out); Issue.record("check passed after an edit") } catch let error as MedadError {
            #expect(error.message.contains("fake.md:64: table \"`sample.ap` by label ratio\", row cnn-s · semi, column r = 0.25: "
                                           + "notebook has 0.921, results give 0.920 (off by 0.001)"))
        }
    }

    @Test func csvAndLatexCarryTheTable() throws {
        let scratch = try TemporaryFolder()
        let (_, report) = try report(scratch)
        let files = Dictionary(try report.files().map { ($0.path, String(decoding: $0.data, as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        let csv = files["fake/tables.csv"]!.split(separator: "\n").map(String.init)
        #expect(csv[0] == "metric,backbone,method,label_ratio,seeds,mean,std,ci_low,ci_high,p_vs_reference,best")
        #expect(csv.count == 1 + 2 * 8)
        let row = csv.first { $0.hasPrefix("sample.ap,cnn-s,semi,0.25,2,0.9200,0.0141,0.8200,0.9700,") }
        #expect(row != nil)
        #expect(row?.hasSuffix(",1") == true)
        let p = Double(row!.split(separator: ",")[9])!
        #expect(p < 0.05 && p > 0)
        #expect(csv.contains("sample.ap,cnn-s,ae,0,2,0.6100,0.0141,0.5100,0.6600,,0"))
        let tex = files["fake/tables.tex"]!
        #expect(tex.contains("Backbone & Method & $r = 0$ & $r = 0.25$ \\\\"))
        #expect(tex.contains("cnn-s & semi & \\textbf{0.910} $\\pm$ 0.014$^*$ & \\textbf{0.920} $\\pm$ 0.014$^*$ \\\\"))
    }

    @Test func failedCellsAreListedAndFiguresAreWellFormed() throws {
        let scratch = try TemporaryFolder()
        let (experiment, report) = try report(scratch, failing: 2)
        let files = try report.files()
        let notebook = String(decoding: files[0].data, as: UTF8.self)
        #expect(notebook.contains("15 of 16 cells finished."))
        #expect(notebook.contains("| `\(experiment.cells[2].id)` | failed: loss became NaN at step 3 |"))
        let svg = String(decoding: files.first { $0.path == "fake/roc-vit-s.svg" }!.data, as: UTF8.self)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.components(separatedBy: "<polyline").count == 3)  // semi and ae
        let png = files.first { $0.path == "fake/example-cnn-s-ae.png" }!.data
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: 8×8 slices enlarged 16× into three panels with 4-pixel gaps.
        #expect(Array(png[16..<24]) == [0, 0, 0x01, 0x88, 0, 0, 0, 0x80])
    }
}
