import Foundation

/// A paper table block rendered by the experiment notebook's own table builders, over the rows the
/// block selects and every label ratio the sweep declares (cells not finished show "–").
struct PaperTableView {
    /// Paragraphs: the legend, then the tables with their short captions.
    let markdown: [String]
    /// The booktabs tabulars of the views that export LaTeX.
    let latex: String?

    init(_ table: PaperDocument.Table, experiment: PaperExperiment, records: [RunRecord]) throws {
        let rows = table.rows, ratios = experiment.ratios
        let resamples = experiment.experiment.report.resamples
        let legend = ReportLegend(records: records, testSets: TestSetBreakdown.testSets(records), reference: table.reference,
                                  resamples: resamples)
        switch table.view {
        case .byRatio:
            let tables = table.metrics.map {
                ReportTable(metric: $0, records: records, rows: rows, ratios: ratios, reference: table.reference, resamples: resamples)
            }
            markdown = [legend.byRatio] + tables.flatMap { ["`\($0.metric)` by label ratio:", Report.markdownTable($0)] }
            latex = ReportExports.latex(tables, reference: table.reference)
        case .pooled:
            let tables = try table.metrics.map {
                try TestSetBreakdown.pooledTable(metric: $0, records: records, rows: rows, ratios: ratios,
                                                 testSets: experiment.testSetsPerSeed!, reference: table.reference, resamples: resamples)!
            }
            markdown = [legend.pooled(testSets: experiment.testSetsPerSeed!), Report.pooledTable(tables)]
            latex = ReportExports.pooledLatex(tables, reference: table.reference)
        case .perSeed:
            let tables = try table.metrics.compactMap { metric in
                try TestSetBreakdown.perSeedTable(metric: metric, records: records, rows: rows, ratios: ratios,
                                                  testSets: experiment.testSetsPerSeed!).map { (metric, $0) }
            }
            markdown = [legend.perSeed(testSets: experiment.testSetsPerSeed!)] + tables.flatMap { ["`\($0.0)` per seed:", $0.1] }
            latex = nil
        case .perTestSet:
            let testSets = TestSetBreakdown.named(records)
            guard !testSets.isEmpty else {
                markdown = ["No run of \(experiment.cited) has finished yet."]
                latex = nil
                return
            }
            let breakdowns = try table.metrics.map {
                try TestSetBreakdown(metric: $0, records: records, rows: rows, ratios: ratios, testSets: testSets,
                                     pooledOver: experiment.testSetsPerSeed!, reference: table.reference, resamples: resamples)
            }
            markdown = [legend.perTestSet(testSets)] + breakdowns.flatMap { ["`\($0.metric)` per test set:", Report.testSetTable($0)] }
            latex = nil
        case .seenUnseen:
            markdown = [legend.seenUnseen, Report.seenUnseenTable(records, rows: rows, ratios: ratios)]
            latex = nil
        case .perType:
            let types = Report.anomalyTypes(records)
            markdown = types.isEmpty ? ["The runs of \(experiment.cited) record no anomaly types."]
                : table.metrics.flatMap { metric in
                    [legend.perType(metric)] + ratios.flatMap {
                        Report.perTypeParagraphs(records, rows: rows, ratio: $0, types: types, metric: metric,
                                                 reference: experiment.experiment.report.backboneReference, legend: legend)
                    }
                }
            latex = nil
        case .cost:
            markdown = [Report.costTable(records, rows: rows)]
            latex = nil
        }
    }
}
