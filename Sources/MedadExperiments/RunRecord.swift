import Foundation
import MedadConfig
import MedadMetrics
import MedadSupport

/// What a report needs from one cell's result.json (schema 1, written by `Runs.evaluate`).
public struct RunRecord {
    public struct Case: Equatable {
        public let name: String
        public let label: Bool
        public let score: Double
    }

    public let cellId: String
    public let directory: URL
    public let backbone: String
    public let method: String
    public let labelRatio: Double
    public let seed: Int
    /// Hash of the test cases the run was scored on and its readable name (`fold-0`, `phantom`); nil in
    /// result.json written before they were recorded, where every run counts as scored on one test set.
    public let testSet: String?
    public let testName: String?
    public let parameters: Int?
    public let trainSeconds: Double?
    public let evalSeconds: Double?
    public let document: JSONValue
    public let cases: [Case]

    public init(directory: URL, cellId: String) throws {
        let file = directory.appendingPathComponent(CellStatus.resultFile)
        let document = try JSONParser.parse(file: file)
        func string(_ path: String) throws -> String {
            guard case .string(let s)? = ConfigComposition.value(at: path, in: document) else {
                throw MedadError("\(file.path): \(path): expected a string")
            }
            return s
        }
        func number(_ path: String) -> Double? {
            if case .number(let n)? = ConfigComposition.value(at: path, in: document) { return n }
            return nil
        }
        guard let ratio = number("label_ratio"), let seed = number("seed") else {
            throw MedadError("\(file.path): label_ratio and seed: expected numbers (result.json schema 1)")
        }
        self.cellId = cellId
        self.directory = directory
        self.document = document
        backbone = try string("backbone")
        method = try string("method")
        labelRatio = ratio
        self.seed = Int(seed)
        testSet = try? string("test_set")
        testName = try? string("test_name")
        parameters = number("parameters").map { Int($0) }
        trainSeconds = number("train.seconds")
        evalSeconds = number("eval_seconds")
        var cases: [Case] = []
        if case .array(let items)? = ConfigComposition.value(at: "cases", in: document) {
            for item in items {
                guard case .string(let name)? = ConfigComposition.value(at: "name", in: item),
                      case .number(let label)? = ConfigComposition.value(at: "label", in: item),
                      case .number(let score)? = ConfigComposition.value(at: "score", in: item) else {
                    throw MedadError("\(file.path): cases: every case needs name, label and score")
                }
                cases.append(Case(name: name, label: label == 1, score: score))
            }
        }
        self.cases = cases
    }

    /// A replicate of its (backbone, method, label ratio) group: a seed on a test set.
    public var replicate: Replicate { Replicate(seed: seed, testSet: testSet) }

    public struct Replicate: Hashable, Comparable {
        public let seed: Int
        public let testSet: String?

        public static func < (a: Replicate, b: Replicate) -> Bool {
            (a.seed, a.testSet ?? "") < (b.seed, b.testSet ?? "")
        }
    }

    /// The examples file result.json names (beside it); nil when the run wrote none.
    public var examplesFile: String? {
        if case .string(let file)? = ConfigComposition.value(at: "examples", in: document) { return file }
        return nil
    }

    /// The voxel histogram written beside result.json; nil for runs evaluated before it was written.
    public func pixelHistogram() throws -> PixelHistogram? {
        let url = directory.appendingPathComponent(PixelHistogram.fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try PixelHistogram(contentsOf: url)
    }

    /// A metric by dotted path (`sample.ap`, `seen.sample.ap`, `per_type.sphere.sample.ap`); nil when
    /// absent or undefined (null).
    public func metric(_ path: String) -> Double? {
        if case .number(let n)? = ConfigComposition.value(at: path, in: document) { return n }
        return nil
    }

    /// The bootstrap interval stored next to a metric: `sample.ap` -> `sample.ci.ap`.
    public func interval(_ path: String) -> (low: Double, high: Double)? {
        var keys = path.split(separator: ".").map(String.init)
        guard let last = keys.popLast() else { return nil }
        let ciPath = (keys + ["ci", last]).joined(separator: ".")
        guard case .array(let bounds)? = ConfigComposition.value(at: ciPath, in: document), bounds.count == 2,
              case .number(let low) = bounds[0], case .number(let high) = bounds[1] else { return nil }
        return (low, high)
    }

    /// Anomaly types of the test set with whether each was seen in training, sorted by name.
    public var anomalyTypes: [(name: String, seen: Bool)] {
        guard case .object(let types)? = ConfigComposition.value(at: "per_type", in: document) else { return [] }
        return types.keys.sorted().map { name in
            let seen = ConfigComposition.value(at: "seen", in: types[name]!) == .bool(true)
            return (name, seen)
        }
    }

    /// Reads every finished cell of an experiment, from `root` or else from `archive`; unfinished ones
    /// are returned by id, with their status in `root`.
    public static func load(_ experiment: Experiment, root: URL, archive: ResultArchive? = nil)
        throws -> (records: [RunRecord], missing: [(id: String, status: CellStatus)]) {
        var records: [RunRecord] = [], missing: [(String, CellStatus)] = []
        for cell in experiment.cells {
            if let source = source(of: cell, in: experiment, root: root, archive: archive) {
                records.append(try RunRecord(directory: source, cellId: cell.id))
            } else {
                missing.append((cell.id, CellStatus(directory: experiment.directory(of: cell, root: root))))
            }
        }
        return (records, missing)
    }

    /// Where a cell's results are read from: its run in `root` when finished there, else the archive's
    /// copy when it holds one, else nowhere.
    public static func source(of cell: SweepCell, in experiment: Experiment, root: URL, archive: ResultArchive?) -> URL? {
        let run = experiment.directory(of: cell, root: root)
        if CellStatus(directory: run) == .finished { return run }
        guard let archive, archive.holds(cell, of: experiment) else { return nil }
        return archive.directory(of: cell, in: experiment)
    }
}
