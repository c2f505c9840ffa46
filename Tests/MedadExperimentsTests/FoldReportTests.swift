import Foundation
import MedadConfig
import MedadExperiments
import MedadMetrics
import MedadSupport
import Testing
import MedadTestSupport

@Suite struct FoldReportTests {
    /// Runs the fake leave-one-volume-out sweep; returns its report and records.
    func foldReport(_ scratch: TemporaryFolder) throws -> (Report, [RunRecord]) {
        try scratch.write("fake.json", fakeExperiment)
        let experiment = try Experiment(url: try scratch.write("folds.json", foldExperiment))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        let records = try RunRecord.load(experiment, root: scratch.file("runs")).records
        return (Report(experiment: experiment, root: scratch.file("runs"), command: "medad report folds.json"), records)
    }

    /// The section of `notebook` from `heading` to the next heading.
    func section(_ notebook: String, _ heading: String) -> String {
        notebook.components(separatedBy: heading)[1].components(separatedBy: "\n#")[0]
    }

    @Test func perTestSetTablesAndPooledColumns() throws {
        let scratch = try TemporaryFolder()
        let (report, records) = try foldReport(scratch)
        #expect(records.count == 8 && Set(records.map(\.testName)) == ["fold-0", "fold-1"])
        let notebook = String(decoding: try report.files()[0].data, as: UTF8.self)
        #expect(notebook.contains("Mean ± std over seeds and test sets (1 seed × 2 test sets)"))
        // Replicates are the two folds: semi at 0.25 has AP 0.91 and 0.93.
        #expect(notebook.contains("| cnn-s | semi | **0.910** ± 0.014 [0.810, 0.960] \\* | **0.920** ± 0.014 [0.820, 0.970] \\* | 1.00 |"))

        // Hand-pooled: the union of both folds' case scores of each method and ratio.
        func pooled(_ method: String, _ ratio: Double) throws -> Double {
            let cases = records.filter { $0.method == method && $0.labelRatio == ratio }.flatMap(\.cases)
            #expect(cases.count == 80 && Set(cases.map(\.name)).count == 80)
            return try RankedCounts(scores: cases.map(\.score), labels: cases.map(\.label)).averagePrecision.number!
        }
        func three(_ value: Double) -> String { String(format: "%.3f", value) }
        func four(_ value: Double) -> String { String(format: "%.4f", value) }
        let sampleAP = section(notebook, "### `sample.ap` per test set")
        #expect(sampleAP.contains("| backbone | method | r | fold-0 | fold-1 | pooled |"))
        let semiRow = sampleAP.split(separator: "\n").first { $0.hasPrefix("| cnn-s | semi | 0.25 |") }.map(String.init) ?? ""
        let cells = semiRow.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(cells[3] == "**0.910** [0.810, 0.960] \\*")
        #expect(cells[4] == "**0.930** [0.830, 0.980] \\*")
        #expect(cells[5].hasPrefix("**\(three(try pooled("semi", 0.25)))** ["))
        let aeRow = sampleAP.split(separator: "\n").first { $0.hasPrefix("| cnn-s | ae | 0 |") }.map(String.init) ?? ""
        #expect(aeRow.hasPrefix("| cnn-s | ae | 0 | 0.600 [0.500, 0.650] | 0.620 [0.520, 0.670] | " + three(try pooled("ae", 0)) + " ["))
        // The pooled interval comes from a bootstrap over the pooled cases and brackets the value.
        let bounds = cells[5].split(separator: "[")[1].dropLast(1).split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
        let value = Double(cells[5].split(separator: " ")[0].trimmingCharacters(in: CharacterSet(charactersIn: "*")))!
        #expect(bounds[0] < value && value < bounds[1])

        // Pixel: pooled from the two pixel-counts.json histograms, expanded here into single voxels.
        func pooledPixel(_ method: String) throws -> Double {
            var scores: [Double] = [], labels: [Bool] = []
            for fold in 0..<2 {
                let negatives = method == "semi" ? [90 + fold, 9, 1] : [60, 30 + fold, 10]
                let positives = method == "semi" ? [1, 4, 15 + fold] : [5, 8 + fold, 7]
                for (k, score) in [0.125, 0.5, 1].enumerated() {
                    scores += Array(repeating: score, count: negatives[k] + positives[k])
                    labels += Array(repeating: false, count: negatives[k]) + Array(repeating: true, count: positives[k])
                }
            }
            return try RankedCounts(scores: scores, labels: labels).averagePrecision.number!
        }
        let pixelAP = section(notebook, "### `pixel.ap` per test set")
        #expect(pixelAP.contains("| cnn-s | semi | 0 | **0.600** [0.500, 0.650] | **0.620** [0.520, 0.670] | **\(three(try pooledPixel("semi")))** |"))
        #expect(pixelAP.contains("| cnn-s | ae | 0.25 | 0.300 [0.200, 0.350] | 0.320 [0.220, 0.370] | \(three(try pooledPixel("ae"))) |"))
        // A metric that does not pool.
        let dice = section(notebook, "### `pixel.best_dice` per test set")
        #expect(dice.contains("| cnn-s | semi | 0 | **0.400** | **0.420** | — |"))

        // tables.csv: the test_set column, empty for the rows over all replicates.
        let csv = String(decoding: try report.files().first { $0.path == "folds/tables.csv" }!.data, as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(csv[0] == "metric,backbone,method,label_ratio,test_set,seeds,mean,std,ci_low,ci_high,p_vs_reference,best")
        #expect(csv.contains { $0.hasPrefix("sample.ap,cnn-s,semi,0.25,,2,0.9200,0.0141,0.8200,0.9700,") })
        #expect(csv.contains { $0.hasPrefix("sample.ap,cnn-s,semi,0.25,fold-1,1,0.9300,,0.8300,0.9800,") })
        let semiPooled = four(try pooled("semi", 0.25))
        #expect(csv.contains { $0.hasPrefix("sample.ap,cnn-s,semi,0.25,pooled,1,\(semiPooled),,0.") && $0.hasSuffix(",,1") })
        #expect(csv.contains("pixel.ap,cnn-s,ae,0.25,pooled,1,\(four(try pooledPixel("ae"))),,,,,0"))
        #expect(!csv.contains { $0.hasPrefix("pixel.best_dice,cnn-s,semi,0,pooled") })
        // 3 metrics × 4 rows × (all replicates, two folds) + 2 pooled metrics × 4 rows.
        #expect(csv.count == 1 + 3 * 4 * 3 + 2 * 4)

        // Deterministic: written files pass the check.
        let out = scratch.file("notebooks-md")
        try report.write(to: out)
        try report.check(against: out)
    }

    /// One result.json in its own folder: the same case names on every test set, so pairing by seed
    /// alone would match cases of different test sets.
    func record(_ scratch: TemporaryFolder, method: String, testSet: String, scores: [Double]) throws -> RunRecord {
        let cases = scores.enumerated().map { k, score in
            JSONValue.object(JSONObject([("name", .string("case_\(k)")), ("label", .number(Double(k % 2))), ("score", .number(score))]))
        }
        let result = JSONValue.object(JSONObject([
            ("schema", .number(1)), ("backbone", .string("cnn-s")), ("method", .string(method)), ("label_ratio", .number(0)),
            ("seed", .number(0)), ("test_set", .string(testSet)), ("test_name", .string(testSet)),
            ("sample", .object(JSONObject([("ap", .number(0.5))]))), ("cases", .array(cases)),
        ]))
        let directory = scratch.file("\(method)-\(testSet)")
        try AtomicFile.write(Data(result.pretty().utf8), to: directory.appendingPathComponent("result.json"))
        return try RunRecord(directory: directory, cellId: "\(method)-\(testSet)")
    }

    @Test func pairedSignificancePairsRunsOfTheSameTestSet() throws {
        let scratch = try TemporaryFolder()
        var random = SeededRandom(seed: 5)
        // On each test set the method scores exactly like the reference, so every paired difference is 0
        // and p = 1. Set b separates the classes, set a does not: pairing b's run with a's reference
        // would give a large difference.
        let a = (0..<30).map { _ in random.nextNormal() }, b = (0..<30).map { Double($0 % 2) * 3 + Double($0) / 100 }
        let runs = [try record(scratch, method: "semi", testSet: "a", scores: a), try record(scratch, method: "semi", testSet: "b", scores: b)]
        let references = [try record(scratch, method: "ae", testSet: "a", scores: a), try record(scratch, method: "ae", testSet: "b", scores: b)]
        let table = ReportTable(metric: "sample.ap", records: runs + references, rows: ReportTable.layout(runs + references).rows,
                                ratios: [0], reference: "ae", resamples: 200)
        let semi = table.rows.firstIndex { $0.method == "semi" }!
        #expect(table.entries[semi][0]?.pValue == 1)
        #expect(table.entries[semi][0]?.replicates == 2)
    }

    @Test func resultsWithoutTestSetsReportAsBefore() throws {
        let scratch = try TemporaryFolder()
        let experiment = try Experiment(url: try scratch.write("fake.json", fakeExperiment))
        _ = SweepRunner(experiment: experiment, root: scratch.file("runs"), executor: FakeExecutor()).run(experiment.cells)
        let records = try RunRecord.load(experiment, root: scratch.file("runs")).records
        #expect(records.allSatisfy { $0.testSet == nil && $0.testName == nil })
        let files = try Report(experiment: experiment, root: scratch.file("runs"), command: "medad report fake.json").files()
        let notebook = String(decoding: files[0].data, as: UTF8.self)
        #expect(notebook.contains("Mean ± std over 2 seeds and"))
        #expect(notebook.contains("on the same backbone, label ratio and seeds (paired permutation test"))
        #expect(!notebook.contains("Per test set") && !notebook.contains("pooled"))
        let csv = String(decoding: files.first { $0.path == "fake/tables.csv" }!.data, as: UTF8.self)
        #expect(csv.hasPrefix("metric,backbone,method,label_ratio,seeds,mean,"))
    }
}
