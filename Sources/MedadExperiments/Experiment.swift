import Foundation
import MedadConfig
import MedadMetrics
import MedadSupport

/// An experiment file: a run config plus a `sweep` block of axes, an optional `extends` base and an
/// optional `report` block. Declared once, it yields the sweep's cells and the report's settings.
public struct Experiment {
    public let url: URL
    /// Names the runs folder `runs/<name>/` and the notebook `notebooks-md/<name>.md`.
    public let name: String
    public let plan: SweepPlan
    public let report: ReportSettings
    /// `reuse_training` (a path relative to this file): the experiment whose trained cells this one
    /// scores again on larger test sets instead of training its own (`RetestCellExecutor`).
    public let reusedTraining: URL?

    /// Loads the file (resolving `extends`), splits off `report` and `sweep`, and reads `name`.
    public init(url: URL) throws {
        let document = try ConfigComposition.load(url)
        guard case .object(var object) = document else {
            throw MedadError("\(url.path): expected a JSON object at the top level, got \(document.typeName)")
        }
        report = try ReportSettings(object["report"] ?? .object(JSONObject()), source: url.path)
        object["report"] = nil
        // The file's own key only: a file that extends this one trains its cells unless it says otherwise.
        switch ConfigComposition.value(at: "reuse_training", in: try JSONParser.parse(file: url)) {
        case nil, .null?: reusedTraining = nil
        case .string(let path)? where !path.isEmpty:
            // Kept relative to where this file was named, so the notebook can print a command that runs as is.
            reusedTraining = path.hasPrefix("/") ? URL(fileURLWithPath: path) : url.deletingLastPathComponent().appendingPathComponent(path)
        case let other?:
            throw MedadError("\(url.path): reuse_training: expected the path of another experiment file, got \(other.typeName)")
        }
        object["reuse_training"] = nil
        guard case .string(let name)? = object["name"], !name.isEmpty,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw MedadError("\(url.path): name: expected a non-empty string of letters, digits, '-', '_' or '.' (it names the runs folder)")
        }
        self.url = url
        self.name = name
        plan = try SweepPlan(experiment: .object(object), source: url.path)
    }

    public var cells: [SweepCell] { plan.cells }

    /// How this experiment's cells run in this process: trained and evaluated by `backend`, or with
    /// `reuse_training` scored with the weights of the other experiment's cells under `root`.
    public func executor(root: URL, backend: any RunBackend) throws -> CellExecutor {
        guard let reusedTraining else { return TrainingCellExecutor(backend: backend) }
        let origin: Experiment
        do {
            origin = try Experiment(url: reusedTraining)
        } catch let error as MedadError {
            throw MedadError("\(url.path): reuse_training: \(error.message)")
        }
        guard origin.name != name else {
            throw MedadError("\(url.path): reuse_training: \(reusedTraining.path) has the same name (\(name)); their runs would share a folder")
        }
        return try RetestCellExecutor(origin: origin, root: root, backend: backend)
    }

    /// Everything a sweep checks before any cell runs: each cell as a run config, and the report's
    /// reference backbone against the cells.
    public func validate(_ backend: any RunBackend) throws {
        try validateCells { try backend.validate($0, source: $1) }
        try validateBackboneReference(backend)
    }

    /// Validates every cell with `validate` (the run-config validator), so a typo in one axis value
    /// fails before any cell trains. The error names the cell.
    public func validateCells(_ validate: (JSONValue, String) throws -> Void) throws {
        for cell in cells {
            do {
                try validate(cell.config, url.path)
            } catch let error as MedadError {
                throw MedadError("cell \(cell.id): \(error.message)")
            }
        }
    }

    /// Refuses a `report.backbone_reference` that no cell runs. Each cell's backbone is named as its run
    /// will name it (`describe`), so a cell that leaves `backbone` to its default counts as that default.
    public func validateBackboneReference(_ backend: any RunBackend) throws {
        guard report.backboneReference != nil else { return }
        try validateBackboneReference(among: cells.map { try backend.describe($0.config, source: url.path).backbone }.firstOccurrences())
    }

    /// The same against backbones already resolved, in sweep order.
    func validateBackboneReference(among backbones: [String]) throws {
        guard let reference = report.backboneReference, !backbones.contains(reference) else { return }
        throw MedadError("\(url.path): report.backbone_reference: \"\(reference)\" is not a backbone of this sweep; expected one of "
                         + backbones.joined(separator: ", "))
    }

    /// The cells named by `ids` (all when nil), in plan order; an unknown id is an error.
    public func cells(only ids: [String]?) throws -> [SweepCell] {
        let all = cells
        guard let ids else { return all }
        let known = all.map(\.id)
        for id in ids where !known.contains(id) {
            throw MedadError("--only \(id): no such cell in \(url.path)\(Suggestion.phrase(for: id, among: known)); see medad sweep plan")
        }
        return all.filter { ids.contains($0.id) }
    }

    /// The run folder of a cell: `<root>/<name>/<cell id>/`.
    public func directory(of cell: SweepCell, root: URL) -> URL {
        root.appendingPathComponent(name, isDirectory: true).appendingPathComponent(cell.id, isDirectory: true)
    }

    /// One cell of an experiment file as a plain run config, for `medad train --config`: every axis at
    /// its first value unless `overrides` (`path=value`) say otherwise.
    public static func runConfig(from url: URL, overrides: [String]) throws -> (config: JSONValue, cellId: String) {
        let cell = try Experiment(url: url).plan.firstCell(overrides: overrides)
        return (cell.config, cell.id)
    }
}

/// The `report` block: what the notebook tabulates and which method the others are tested against.
public struct ReportSettings: Equatable {
    /// Metric paths in result.json, e.g. `sample.ap`, `pixel.ap`.
    public var metrics: [String]
    /// The method every other method is compared with (paired tests on shared test cases).
    public var reference: String?
    /// Paired permutation resamples.
    public var resamples: Int
    /// Markdown paragraphs printed under the notebook's title: what the experiment is for and what a
    /// reader must know to read it (the notebook itself is generated and must not be edited).
    public var about: [String]
    /// The metrics tabulated per anomaly type.
    public var perType: [String]
    /// The backbone every other one is divided by, per anomaly type (same method, label ratio and
    /// seeds), as a backbone comparison states its targets ("≥ 0.8× of cnn-s on every type").
    public var backboneReference: String?

    public static let metricChoices = ["sample.ap", "sample.auroc", "pixel.ap", "pixel.auroc", "pixel.dice",
                                       "pixel.best_dice", "pixel.aupro", "pixel.froc_average"]
    /// What results record per anomaly type.
    public static let perTypeChoices = ["sample.ap", "sample.auroc", "pixel.ap", "pixel.auroc"]

    public init(metrics: [String] = ["sample.ap", "pixel.ap"], reference: String? = nil, resamples: Int = 1000, about: [String] = [],
                perType: [String] = ["sample.ap"], backboneReference: String? = nil) {
        self.metrics = metrics
        self.reference = reference
        self.resamples = resamples
        self.about = about
        self.perType = perType
        self.backboneReference = backboneReference
    }

    init(_ value: JSONValue, source: String) throws {
        let reader = try ConfigReader(value, path: "report", source: source)
        metrics = try reader.stringList("metrics", default: ["sample.ap", "pixel.ap"], allowed: Self.metricChoices)
        if metrics.isEmpty { throw reader.fail("metrics", "expected at least one metric") }
        reference = reader.has("reference") ? try reader.string("reference") : nil
        resamples = try reader.int("resamples", default: 1000, range: Bootstrap.allowedResamples)
        about = try reader.stringList("about", default: [])
        perType = try reader.stringList("per_type", default: ["sample.ap"], allowed: Self.perTypeChoices)
        if perType.isEmpty { throw reader.fail("per_type", "expected at least one metric") }
        backboneReference = reader.has("backbone_reference") ? try reader.string("backbone_reference") : nil
        try reader.finish()
    }
}
