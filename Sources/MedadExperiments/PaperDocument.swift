import Foundation
import MedadConfig
import MedadSupport

/// A paper file: a title and a list of blocks (headings, paragraphs, committed figures, tables and
/// plots of experiments' results), checked against the experiments it reads before anything renders,
/// so a mistyped method, metric or view is one error line naming its JSON path.
struct PaperDocument {
    enum View: String, CaseIterable {
        case byRatio = "by-ratio", perTestSet = "per-test-set", pooled, perSeed = "per-seed", seenUnseen = "seen-unseen",
             perType = "per-type", cost

        /// Views tabulating metrics (the others show sample AP or cost).
        var hasMetrics: Bool { [.byRatio, .perTestSet, .pooled, .perSeed].contains(self) }
        /// Views marking a paired test against a reference method (per-seed lists values only).
        var testsAgainstReference: Bool { [.byRatio, .perTestSet, .pooled].contains(self) }
        var exportsLatex: Bool { self == .byRatio || self == .pooled }
        var needsTestSets: Bool { [.perTestSet, .pooled, .perSeed].contains(self) }
    }

    struct Table {
        /// Indices into `experiments`: one, or several whose runs the table reads as one sweep.
        let experiments: [Int]
        /// Those experiments read as one (the experiment itself when there is one).
        let source: PaperExperiment
        let view: View
        let rows: [ReportTable.Row]
        let metrics: [String]
        let reference: String?
        let caption: String?
        /// Names `<paper>/<latex>.tex`.
        let latex: String?
    }

    struct Plot {
        let experiment: Int
        let metric: String
        let backbone: String
        let rows: [ReportTable.Row]
        let caption: String?
    }

    enum Block {
        case heading(String, level: Int)
        case text([String])
        /// A committed image copied next to the notebook.
        case figure(file: URL, caption: String?)
        case table(Table)
        case plot(Plot)
    }

    let name: String
    let title: String
    let blocks: [Block]
    /// In order of first use.
    let experiments: [PaperExperiment]

    static let blockKinds = ["heading", "text", "figure", "table", "plot"]

    /// Whether `url` holds a paper rather than an experiment: a top-level `blocks` key.
    static func isPaper(_ url: URL) throws -> Bool {
        guard case .object(let object) = try JSONParser.parse(file: url) else { return false }
        return object["blocks"] != nil
    }

    /// Reads the paper; relative paths (experiments, figures) are from `directory`.
    init(url: URL, directory given: URL, backend: any RunBackend) throws {
        // Relative URLs resolve against a folder only when the base is marked as one.
        let directory = URL(fileURLWithPath: given.path, isDirectory: true)
        let root = try ConfigReader(try JSONParser.parse(file: url), source: url.relativePath)
        name = try root.string("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw root.fail("name", "expected a non-empty string of letters, digits, '-', '_' or '.' (it names the notebook)")
        }
        title = try root.string("title")
        guard case .array(let items)? = root.raw("blocks"), !items.isEmpty else { throw root.fail("blocks", "expected a non-empty list of blocks") }
        try root.finish()

        var experiments: [PaperExperiment] = []
        var latexNames: [String: Int] = [:], figureNames: [String: Int] = [:]
        func experiment(_ reader: ConfigReader, path: String, key: String = "experiment") throws -> Int {
            if let index = experiments.firstIndex(where: { $0.path == path }) { return index }
            do {
                experiments.append(try PaperExperiment(path: path, directory: directory, backend: backend))
            } catch let error as MedadError {
                throw reader.fail(key, error.message)
            }
            return experiments.count - 1
        }
        func experiment(_ reader: ConfigReader) throws -> Int { try experiment(reader, path: try reader.string("experiment")) }
        /// A table's `experiment`, or its `experiments` read as one.
        func tableExperiments(_ table: ConfigReader) throws -> (indices: [Int], source: PaperExperiment) {
            guard table.has("experiments") else {
                guard table.has("experiment") else { throw table.fail("experiment", "expected an experiment file (or a list of them as experiments)") }
                let index = try experiment(table)
                return ([index], experiments[index])
            }
            if table.has("experiment") { throw table.fail("experiments", "give either experiment or experiments, not both") }
            let paths = try table.stringList("experiments")
            guard !paths.isEmpty else { throw table.fail("experiments", "expected a non-empty list of experiment files") }
            if let twice = paths.first(where: { path in paths.filter { $0 == path }.count > 1 }) {
                throw table.fail("experiments", "\(twice) is listed twice; expected distinct experiment files")
            }
            let indices = try paths.map { try experiment(table, path: $0, key: "experiments") }
            do {
                return (indices, try PaperExperiment(merging: indices.map { experiments[$0] }))
            } catch let error as MedadError {
                throw table.fail("experiments", error.message)
            }
        }
        func rows(_ reader: ConfigReader, _ experiment: PaperExperiment) throws -> [ReportTable.Row] {
            func filter(_ key: String, _ what: String, among known: [String]) throws -> [String]? {
                guard reader.has(key) else { return nil }
                let names = try reader.stringList(key)
                for name in names where !known.contains(name) { throw Self.unknown(reader, key, name, what, of: experiment.path, known) }
                return names
            }
            let rows = experiment.rows(backbones: try filter("backbones", "a backbone", among: experiment.backbones),
                                       methods: try filter("methods", "a method", among: experiment.methods))
            guard !rows.isEmpty else { throw reader.fail("methods", "no cell of \(experiment.path) has these backbones and methods") }
            return rows
        }
        func caption(_ reader: ConfigReader) throws -> String? { reader.has("caption") ? try reader.string("caption") : nil }

        blocks = try items.enumerated().map { index, item in
            let block = try ConfigReader(item, path: "blocks[\(index)]", source: url.relativePath)
            let kinds = Self.blockKinds.filter(block.has)
            guard kinds.count == 1, let kind = kinds.first else {
                throw MedadError("\(url.relativePath): blocks[\(index)]: expected exactly one of \(Self.blockKinds.joined(separator: ", "))")
            }
            let parsed: Block
            switch kind {
            case "heading":
                parsed = .heading(try block.string("heading"), level: try block.int("level", default: 2, range: 2...4))
            case "text":
                parsed = .text(try block.stringList("text"))
            case "figure":
                let figure = try block.section("figure")
                let path = try figure.string("file")
                let file = URL(fileURLWithPath: path, relativeTo: directory)
                guard ["svg", "png"].contains(file.pathExtension), FileManager.default.fileExists(atPath: file.path) else {
                    throw figure.fail("file", "\(path): expected an existing .svg or .png file")
                }
                if let other = figureNames[file.lastPathComponent] {
                    throw figure.fail("file", "blocks[\(other)] copies a figure named \(file.lastPathComponent) already; rename one")
                }
                figureNames[file.lastPathComponent] = index
                parsed = .figure(file: file, caption: try caption(figure))
                try figure.finish()
            case "table":
                let table = try block.section("table")
                let (indices, source) = try tableExperiments(table)
                let view = View(rawValue: try table.string("view", allowed: View.allCases.map(\.rawValue)))!
                if view.needsTestSets && source.testSetsPerSeed == nil {
                    throw table.fail("view", "\"\(view.rawValue)\" needs a leave-one-volume-out experiment (a seed scored on several "
                                     + "test sets); \(source.path) scores each seed on one")
                }
                let metrics = view.hasMetrics ? try Self.metrics(table, view: view, source)
                    : view == .perType ? try table.stringList("metrics", default: source.experiment.report.perType,
                                                              allowed: ReportSettings.perTypeChoices) : []
                let reference = view.testsAgainstReference ? try Self.reference(table, source) : nil
                var latex: String?
                if view.exportsLatex && table.has("latex") {
                    let name = try table.string("latex")
                    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                        throw table.fail("latex", "expected a file name of letters, digits, '-' or '_' (without .tex)")
                    }
                    if let other = latexNames[name] { throw table.fail("latex", "blocks[\(other)] writes \(name).tex already") }
                    latexNames[name] = index
                    latex = name
                }
                parsed = .table(Table(experiments: indices, source: source, view: view, rows: try rows(table, source), metrics: metrics,
                                      reference: reference, caption: try caption(table), latex: latex))
                try table.finish()
            default:
                let plot = try block.section("plot")
                let e = try experiment(plot), source = experiments[e]
                let metric = try plot.string("metric", default: source.experiment.report.metrics[0], allowed: ReportSettings.metricChoices)
                let backbone = try plot.string("backbone", default: source.backbones[0], allowed: source.backbones)
                let rows = try rows(plot, source).filter { $0.backbone == backbone }
                parsed = .plot(Plot(experiment: e, metric: metric, backbone: backbone, rows: rows, caption: try caption(plot)))
                try plot.finish()
            }
            try block.finish()
            return parsed
        }
        self.experiments = experiments
    }

    private static func metrics(_ table: ConfigReader, view: View, _ source: PaperExperiment) throws -> [String] {
        let allowed = view == .pooled ? TestSetBreakdown.poolable : ReportSettings.metricChoices
        let declared = source.experiment.report.metrics.filter(allowed.contains)
        let metrics = try table.stringList("metrics", default: declared, allowed: allowed)
        if metrics.isEmpty { throw table.fail("metrics", "expected at least one of \(allowed.joined(separator: ", "))") }
        return metrics
    }

    private static func reference(_ table: ConfigReader, _ source: PaperExperiment) throws -> String? {
        guard table.has("reference") else { return source.experiment.report.reference }
        let reference = try table.string("reference")
        guard source.methods.contains(reference) else { throw unknown(table, "reference", reference, "a method", of: source.path, source.methods) }
        return reference
    }

    /// `<paper>: <path>.<key>: "x" is not a method of <experiment> (did you mean …?) (has: …)`.
    private static func unknown(_ reader: ConfigReader, _ key: String, _ name: String, _ what: String, of path: String,
                                _ known: [String]) -> MedadError {
        reader.fail(key, "\"\(ConfigText.clipped(name))\" is not \(what) of \(path)\(Suggestion.phrase(for: name, among: known)) "
                    + "(has: \(known.joined(separator: ", ")))")
    }
}
