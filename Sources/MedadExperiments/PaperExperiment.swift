import Foundation
import MedadConfig
import MedadSupport

/// An experiment a paper reads, known by the cells it declares (so a table can name rows and columns
/// whose runs have not finished yet) and by the path the paper gives it.
struct PaperExperiment {
    struct Cell {
        let id: String
        let key: ReportTable.GroupKey
        let seed: Int
        /// `data.folders.test`: which volume a leave-one-volume-out cell is tested on.
        let testFolder: String?
    }

    /// As the paper names them (relative to where medad runs): one experiment, or several read as one.
    let paths: [String]
    let experiment: Experiment
    let cells: [Cell]
    /// Every row and label ratio the sweep declares, in its order.
    let rows: [ReportTable.Row]
    let ratios: [Double]
    /// How many test sets one seed is scored on in a leave-one-volume-out sweep; nil for other sweeps.
    let testSetsPerSeed: Int?

    init(path: String, directory: URL, backend: any RunBackend) throws {
        paths = [path]
        experiment = try Experiment(url: URL(fileURLWithPath: path, relativeTo: directory))
        // Resolved as the run will resolve them, so a row is named as its result.json will name it.
        cells = try experiment.cells.map { cell in
            let run = try backend.describe(cell.config, source: path)
            return Cell(id: cell.id, key: ReportTable.GroupKey(backbone: run.backbone, method: run.method, ratio: run.labelRatio),
                        seed: run.seed, testFolder: run.testFolder)
        }
        try experiment.validateBackboneReference(among: cells.map(\.key.backbone).firstOccurrences())
        (rows, ratios) = ReportTable.layout(cells.map(\.key))
        let perSeed = Dictionary(grouping: cells, by: \.seed).values.map { Set($0.map(\.testFolder)).count }.max() ?? 1
        testSetsPerSeed = perSeed > 1 ? perSeed : nil
    }

    /// Several experiments read as one, so a table pools the seeds of sweeps run at different times:
    /// the cells of all, their rows in order of first occurrence and their label ratios sorted, the
    /// report settings of the first. Refused where two declare the same row, label ratio and seed (a
    /// seed split over two sweeps would pool over the wrong number of test sets, and the table could not
    /// tell their runs apart) or score a seed on different numbers of test sets.
    init(merging parts: [PaperExperiment]) throws {
        paths = parts.flatMap(\.paths)
        experiment = parts[0].experiment
        struct Replicate: Hashable { let key: ReportTable.GroupKey, seed: Int }
        var declaredBy: [Replicate: String] = [:]
        for part in parts {
            for cell in part.cells {
                let replicate = Replicate(key: cell.key, seed: cell.seed)
                if let other = declaredBy[replicate], other != part.path {
                    throw MedadError("\(other) and \(part.path) both run \(cell.key.backbone) · \(cell.key.method) at label ratio "
                                     + "\(ReportFormat.ratio(cell.key.ratio)), seed \(cell.seed); experiments read as one need distinct seeds")
                }
                declaredBy[replicate] = part.path
            }
        }
        let testSets = parts.map { $0.testSetsPerSeed ?? 1 }
        guard Set(testSets).count == 1 else {
            throw MedadError(zip(parts, testSets).map { "\($0.path) scores a seed on \($1) test set\($1 == 1 ? "" : "s")" }
                .joined(separator: ", ") + "; experiments read as one need the same number")
        }
        cells = parts.flatMap(\.cells)
        (rows, ratios) = ReportTable.layout(cells.map(\.key))
        testSetsPerSeed = parts[0].testSetsPerSeed
    }

    var path: String { paths.joined(separator: ", ") }
    /// For prose: `a.json`, or `a.json` and `b.json`.
    var cited: String { paths.map { "`\($0)`" }.joined(separator: " and ") }

    var backbones: [String] { rows.map(\.backbone).firstOccurrences() }
    var methods: [String] { rows.map(\.method).firstOccurrences() }

    /// The declared rows of the given backbones and methods, in the order given (backbone outer); all
    /// of them, in sweep order, for nil.
    func rows(backbones: [String]?, methods: [String]?) -> [ReportTable.Row] {
        (backbones ?? self.backbones).flatMap { backbone in
            (methods ?? self.methods).map { ReportTable.Row(backbone: backbone, method: $0) }
        }.filter(rows.contains)
    }

    /// Of the cells not finished, those of `rows`.
    func missing(_ missing: [(id: String, status: CellStatus)], in rows: [ReportTable.Row]) -> [(id: String, status: CellStatus)] {
        let shown = Set(cells.filter { rows.contains(ReportTable.Row(backbone: $0.key.backbone, method: $0.key.method)) }.map(\.id))
        return missing.filter { shown.contains($0.id) }
    }
}
