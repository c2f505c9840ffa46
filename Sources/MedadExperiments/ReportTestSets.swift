import Foundation
import MedadMetrics

/// A leave-one-volume-out sweep scores each cell on one test set (a fold's held-out volume). Per metric,
/// its value on each test set (a `ReportTable` of that test set's runs) and pooled over the test sets:
/// sample AP / AUROC from the union of the runs' case scores, pixel AP / AUROC from their summed voxel
/// histograms (pixel-counts.json). Pooling is per seed, over the runs of one seed on every test set.
struct TestSetBreakdown {
    struct TestSet: Equatable {
        let id: String?
        /// Column title: the test set's name, with its hash when two test sets share a name.
        let title: String
    }

    let metric: String
    let testSets: [TestSet]
    /// One table per test set, in `testSets` order.
    let perTestSet: [ReportTable]
    /// nil for metrics that cannot be recomputed from case scores or voxel histograms.
    let pooled: ReportTable?

    /// Metrics the pooled column recomputes.
    static let poolable = ["sample.ap", "sample.auroc", "pixel.ap", "pixel.auroc"]

    /// The test sets in sweep order, or nil when no seed was scored on more than one (ordinary sweeps,
    /// and phantom sweeps whose test set changes only with the seed).
    static func testSets(_ records: [RunRecord]) -> [TestSet]? {
        guard Dictionary(grouping: records, by: \.seed).values.contains(where: { Set($0.map(\.testSet)).count > 1 }) else { return nil }
        return named(records)
    }

    /// The test sets the records were scored on, in sweep order.
    static func named(_ records: [RunRecord]) -> [TestSet] {
        var named: [(id: String?, name: String)] = []
        for record in records where !named.contains(where: { $0.id == record.testSet }) {
            named.append((record.testSet, record.testName ?? record.testSet ?? "unnamed"))
        }
        return named.map { item in
            let shared = named.filter { $0.name == item.name }.count > 1
            return TestSet(id: item.id, title: shared ? "\(item.name) (\(item.id ?? "none"))" : item.name)
        }
    }

    /// The pooled column pools a seed's runs when they cover `pooledOver` test sets (the sweep's, which
    /// may be more than have runs yet); its values are not tested (the per-test-set columns are), where
    /// the paper's pooled view (`pooledTable`) tests them.
    init(metric: String, records: [RunRecord], rows: [ReportTable.Row], ratios: [Double], testSets: [TestSet],
         pooledOver: Int, reference: String?, resamples: Int) throws {
        self.metric = metric
        self.testSets = testSets
        perTestSet = testSets.map { set in
            ReportTable(metric: metric, records: records.filter { $0.testSet == set.id }, rows: rows, ratios: ratios,
                        reference: reference, resamples: resamples)
        }
        pooled = try Self.pooledTable(metric: metric, records: records, rows: rows, ratios: ratios, testSets: pooledOver,
                                      reference: nil, resamples: resamples)
    }

    /// The metric pooled per seed over the runs of every test set: a seed counts where its runs cover
    /// `testSets` test sets (so a fold not yet run leaves the cell empty rather than pooling the others).
    /// With a reference, sample metrics carry the paired test over the union of the test cases. nil for
    /// metrics that do not pool.
    static func pooledTable(metric: String, records: [RunRecord], rows: [ReportTable.Row], ratios: [Double], testSets: Int,
                            reference: String?, resamples: Int) throws -> ReportTable? {
        guard poolable.contains(metric) else { return nil }
        let groups = ReportTable.groups(records)
        func complete(_ key: ReportTable.GroupKey) -> [(seed: Int, runs: [RunRecord])] {
            completeSeeds(groups[key] ?? [], testSets: testSets)
        }
        return try ReportTable(metric: metric, rows: rows, ratios: ratios) { row, ratio in
            var values: [Double] = [], intervals: [(low: Double, high: Double)] = []
            let seeds = complete(ReportTable.GroupKey(backbone: row.backbone, method: row.method, ratio: ratio))
            for (_, seedRuns) in seeds {
                guard let value = try pooledValue(metric, seedRuns, resamples: resamples) else { continue }
                values.append(value.value)
                if let interval = value.interval { intervals.append(interval) }
            }
            var p: Double?
            if let reference, reference != row.method {
                let references = complete(ReportTable.GroupKey(backbone: row.backbone, method: reference, ratio: ratio)).flatMap(\.runs)
                p = PairedSignificance.pValue(metric: metric, runs: seeds.flatMap(\.runs), references: references,
                                              resamples: resamples, pooled: true)
            }
            return ReportTable.Replicates(values: values, intervals: intervals, pValue: p)
        }
    }

    /// A cell's runs by seed, in seed order, keeping the seeds whose runs cover `testSets` test sets (so a
    /// fold not yet run leaves the seed out rather than pooling the others).
    static func completeSeeds(_ runs: [RunRecord], testSets: Int) -> [(seed: Int, runs: [RunRecord])] {
        let bySeed = Dictionary(grouping: runs, by: \.seed)
        return bySeed.keys.sorted().compactMap { seed in
            Set(bySeed[seed]!.map(\.testSet)).count == testSets ? (seed, bySeed[seed]!) : nil
        }
    }

    /// A poolable metric over one seed's runs: sample metrics from the union of cases, pixel ones from the
    /// summed histograms. `resamples` nil: no bootstrap interval, for callers that show the value alone.
    static func pooledValue(_ metric: String, _ runs: [RunRecord], resamples: Int?) throws
        -> (value: Double, interval: (low: Double, high: Double)?)? {
        let parts = metric.split(separator: ".").map(String.init)
        let ranking = rankingMetric(parts[1])!
        return parts[0] == "sample" ? try pooledSample(runs, ranking, resamples: resamples) : try pooledPixel(runs, ranking)
    }

    /// The metric over the union of the runs' cases, with a bootstrap 95% interval over cases stratified
    /// by label (seed 0, so the notebook is reproducible) unless `resamples` is nil; nil when a class is missing.
    static func pooledSample(_ runs: [RunRecord], _ ranking: (RankedCounts) -> MetricValue,
                                     resamples: Int?) throws -> (value: Double, interval: (low: Double, high: Double)?)? {
        let cases = runs.sorted { $0.replicate < $1.replicate }.flatMap(\.cases)
        let ranked = try RankedScores(scores: cases.map(\.score), labels: cases.map(\.label), caseNames: cases.map(\.name))
        guard let value = ranking(ranked.counts()).number else { return nil }
        let interval = resamples.flatMap { resamples in
            Bootstrap(resamples: resamples, seed: 0).intervals(strata: cases.map { $0.label ? 1 : 0 }) {
                ["pooled": ranking(ranked.counts(multiplicity: $0))]
            }["pooled"]?.bounds
        }
        return (value, interval)
    }

    /// The metric over the runs' summed voxel histograms; nil when a run has none (evaluated before
    /// pixel-counts.json was written) or a class is missing.
    static func pooledPixel(_ runs: [RunRecord], _ ranking: (RankedCounts) -> MetricValue) throws
        -> (value: Double, interval: (low: Double, high: Double)?)? {
        var merged: PixelHistogram?
        for run in runs {
            guard let histogram = try run.pixelHistogram() else { return nil }
            merged = merged.map { $0.merged(histogram) } ?? histogram
        }
        return merged.flatMap { ranking($0.counts).number }.map { ($0, nil) }
    }
}
