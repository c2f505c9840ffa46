import Foundation
import MedadConfig
import MedadMetrics
import MedadNN
import MedadSupport

/// Copies of what a notebook is built from, kept beside it in `<notebooks>/<name>/results/<cell id>/`:
/// each finished cell's result.json, and its pixel histogram and example slice where the notebook
/// reads them.
/// The runs folder holds checkpoints and stays out of git, so without these a clone could neither check
/// a notebook nor add seeds to its sweep; with them, `report --check` passes on a fresh clone, and a
/// sweep extended elsewhere reports its old cells beside the new ones. A cell in the runs folder is
/// always read from there: the archive only stands in for runs that are gone.
public struct ResultArchive {
    public let notebooks: URL

    /// What is kept beyond result.json (`Report.archiveSelection`): float slices and voxel histograms
    /// are most of a cell's bytes, and a notebook shows one slice a row and pools histograms only over
    /// several test sets.
    public struct Selection {
        /// The cells whose example slice the notebook shows; of their examples file only that case is kept.
        public let examplesOf: Set<String>
        /// Whether pixel histograms are kept (the notebook pools pixel metrics over test sets).
        public let histograms: Bool

        public init(examplesOf: Set<String>, histograms: Bool) {
            self.examplesOf = examplesOf
            self.histograms = histograms
        }
    }

    public init(notebooks: URL) {
        self.notebooks = notebooks
    }

    /// The folder holding every archived cell of an experiment.
    public func folder(of experiment: Experiment) -> URL {
        notebooks.appendingPathComponent(experiment.name, isDirectory: true).appendingPathComponent("results", isDirectory: true)
    }

    public func directory(of cell: SweepCell, in experiment: Experiment) -> URL {
        folder(of: experiment).appendingPathComponent(cell.id, isDirectory: true)
    }

    public func holds(_ cell: SweepCell, of experiment: Experiment) -> Bool {
        CellStatus(directory: directory(of: cell, in: experiment)) == .finished
    }

    /// How many of the experiment's cells are read from the archive rather than from `root`.
    public func standsIn(for experiment: Experiment, root: URL) -> Int {
        experiment.cells.count(where: {
            RunRecord.source(of: $0, in: experiment, root: root, archive: self) == directory(of: $0, in: experiment)
        })
    }

    /// Archives every cell of the experiment finished in `root`, replacing its earlier copy, and drops
    /// archived cells the experiment no longer declares; returns how many cells it archived.
    @discardableResult
    public func store(_ experiment: Experiment, from root: URL, keeping selection: Selection) throws -> Int {
        let declared = Set(experiment.cells.map(\.id))
        let folder = folder(of: experiment)
        let archived = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for id in archived where !declared.contains(id) && !id.hasPrefix(".") {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(id))
        }
        var stored = 0
        for cell in experiment.cells where CellStatus(directory: experiment.directory(of: cell, root: root)) == .finished {
            try store(RunRecord(directory: experiment.directory(of: cell, root: root), cellId: cell.id),
                      to: directory(of: cell, in: experiment),
                      example: selection.examplesOf.contains(cell.id), histogram: selection.histograms)
            stored += 1
        }
        return stored
    }

    /// result.json goes last, as in a run folder: a copy is whole iff it is there.
    private func store(_ record: RunRecord, to target: URL, example: Bool, histogram keepsHistogram: Bool) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
        let histogram = record.directory.appendingPathComponent(PixelHistogram.fileName)
        if keepsHistogram && manager.fileExists(atPath: histogram.path) {
            try AtomicFile.copy(histogram, to: target.appendingPathComponent(PixelHistogram.fileName))
        }
        if example, let file = record.examplesFile, let shown = try AnomalyOverlay.shownCase(record.directory.appendingPathComponent(file)) {
            try SafeTensors.write(SafeTensors.Content(tensors: shown.tensors), to: target.appendingPathComponent(file))
        }
        try AtomicFile.copy(record.directory.appendingPathComponent(CellStatus.resultFile),
                            to: target.appendingPathComponent(CellStatus.resultFile))
    }
}
