import Foundation

/// The sentences under a report's tables that say what their cells hold, for the experiment notebook
/// and the paper alike: they depend on the replicates (seeds, and test sets in a leave-one-volume-out
/// sweep), the reference and the permutation resamples.
struct ReportLegend {
    let seeds: Int
    /// nil unless some seed was scored on more than one test set.
    let testSets: [TestSetBreakdown.TestSet]?
    let reference: String?
    let resamples: Int

    init(records: [RunRecord], testSets: [TestSetBreakdown.TestSet]?, reference: String?, resamples: Int) {
        seeds = Set(records.map(\.seed)).count
        self.testSets = testSets
        self.reference = reference
        self.resamples = resamples
    }

    /// What a mean is over.
    var over: String { testSets == nil ? "seeds" : "seeds and test sets" }

    var byRatio: String {
        let replicates = testSets.map { "seeds and test sets (\(seeds) seed\(seeds == 1 ? "" : "s") × \($0.count) test sets)" }
            ?? "\(seeds) seed\(seeds == 1 ? "" : "s")"
        return "Mean ± std over \(replicates) and, in brackets, the mean of the runs' bootstrap 95% "
            + "confidence intervals; **bold**: best in its label-ratio column; rank: average rank across label ratios (1 = best)."
            + significance
    }

    /// The \* of the by-ratio and per-test-set tables, or "" without a reference.
    var significance: String {
        guard let reference else { return "" }
        let same = testSets == nil ? "label ratio and seeds" : "label ratio, seeds and test sets"
        return " \\*: p < 0.05 against `\(reference)` on the same backbone, \(same) (paired permutation test, "
            + "\(resamples) resamples, test cases matched by name; sample-level metrics only)."
    }

    func perTestSet(_ testSets: [TestSetBreakdown.TestSet]) -> String {
        let names = testSets.map { "`\($0.title)`" }.joined(separator: ", ")
        return "Each cell was scored on one of \(testSets.count) test sets (\(names)). Per test set: its runs' value, mean ± std "
            + "over seeds where there are several, in brackets the runs' bootstrap 95% interval; **bold**: best of its test set "
            + "and label ratio." + significance + " Pooled, per seed over the runs on every test set: sample AP and AUROC "
            + "from the union of their test cases' scores (each fold's model calibrated on its own validation set), in brackets "
            + "a bootstrap 95% interval over cases stratified by label (\(resamples) resamples, seed 0); pixel AP and "
            + "AUROC from their summed voxel histograms (pixel-counts.json), without an interval; other metrics do not pool (—)."
    }

    /// The paper's pooled view: what is pooled, and that only sample metrics are tested.
    func pooled(testSets count: Int) -> String {
        let test = reference.map {
            " \\*: p < 0.05 against `\($0)` on the same backbone and label ratio (paired permutation test over the union of the "
                + "test cases, matched by name within each test set, \(resamples) resamples); pixel metrics have no per-case "
                + "scores to pair and carry no mark."
        } ?? ""
        return "Pooled per seed over the runs on all \(count) test sets (a seed missing one has no value): sample AP and AUROC "
            + "from the union of their test cases' scores, in brackets a bootstrap 95% interval over cases stratified by label "
            + "(\(resamples) resamples, seed 0); pixel AP and AUROC from their summed voxel histograms, without an interval. "
            + "Mean ± std where there are several seeds; **bold**: best in its column." + test
    }

    /// The paper's per-seed view: each seed's pooled value, so wins can be counted seed by seed.
    func perSeed(testSets count: Int) -> String {
        "Each seed's value pooled over its runs on all \(count) test sets, as the pooled view computes it (– where the seed "
            + "misses a test set or has no run): sample AP and AUROC from the union of the test cases' scores, pixel AP and AUROC "
            + "from the summed voxel histograms."
    }

    var seenUnseen: String {
        "Sample AP on the test anomalies of types seen in training (`data.seen`) / of unseen types, mean over \(over)."
    }

    func againstBackbone(_ reference: String) -> String {
        "The same against `\(reference)`: each row's mean over `\(reference)`'s at the same method, label ratio and \(over), "
            + "in brackets its 95% interval (Fieller's, paired by seed with a seed's test sets averaged, t with one degree of "
            + "freedom fewer than seeds, shown from 0; unbounded where `\(reference)`'s mean is not clearly above zero): "
            + "a ratio target below the interval is met, above it missed, inside it not decided by these seeds."
    }

    func perType(_ metric: String) -> String {
        // "pixel.ap" → "Pixel AP": the level capitalised, the metric's acronym in capitals.
        let parts = metric.split(separator: ".", maxSplits: 1)
        let name = parts[0].capitalized + " " + parts[1].uppercased()
        return "\(name) per anomaly type (its anomalous cases against all normal test cases), mean ± std over \(over)."
    }
}
