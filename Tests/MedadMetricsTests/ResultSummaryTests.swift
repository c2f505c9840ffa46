import Foundation
import Testing
import MedadMetrics
import MedadSupport

@Suite struct ResultSummaryTests {
    @Test func meanStdAndRanksAcrossDatasets() {
        let summary = ResultSummary(runs: [
            ("ae", "brain", 0.6), ("ae", "brain", 0.8), ("vae", "brain", 0.9), ("vae", "brain", 0.9),
            ("ae", "abdom", 0.5), ("vae", "abdom", 0.4),
        ])
        #expect(summary.methods == ["ae", "vae"] && summary.datasets == ["brain", "abdom"])
        let brainAE = summary.cells[0][0]!
        #expect(abs(brainAE.mean.number! - 0.7) < 1e-12 && abs(brainAE.std.number! - 0.02.squareRoot()) < 1e-12 && brainAE.runs == 2)
        #expect(summary.cells[1][1]!.std == .undefined("one value only"))
        // brain: vae 1st, ae 2nd; abdom: ae 1st, vae 2nd.
        #expect(summary.averageRanks == [.value(1.5), .value(1.5)])
        let gap = ResultSummary(runs: [("ae", "brain", 0.6), ("vae", "abdom", 0.4)])
        #expect(gap.averageRanks[0] == .undefined("vae has no run on brain"))
    }

    @Test func readsMetricFromScoreReports() throws {
        let report = Data(#"{"ap": 0.75, "auroc": null, "undefined": {"auroc": "no negative cases"}}"#.utf8)
        #expect(try ResultSummary.metric("ap", inReport: report, file: "r.json") == 0.75)
        #expect(throws: MedadError("r.json: auroc is undefined (no negative cases)")) {
            _ = try ResultSummary.metric("auroc", inReport: report, file: "r.json")
        }
        #expect(throws: MedadError("r.json: no number under 'dice'")) { _ = try ResultSummary.metric("dice", inReport: report, file: "r.json") }
        #expect(throws: MedadError.self) { _ = try ResultSummary.metric("ap", inReport: Data("[1]".utf8), file: "r.json") }
    }
}
