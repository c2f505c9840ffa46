import Foundation
import MedadSupport

/// A notebook generated from result files only: `<name>.md` first, then its figures and tables in
/// `<name>/`. Output is deterministic (fixed formats, no timestamps), so a check can regenerate it in
/// memory and compare it with what is on disk. An experiment's `Report` and a `PaperReport` are ones.
public protocol GeneratedReport {
    /// Names the notebook `<name>.md` and its folder.
    var name: String { get }
    /// The command that regenerates it, printed at its top and named by a failing check.
    var command: String { get }
    /// The experiments whose results it reads.
    var experiments: [Experiment] { get }
    /// The files, values from the runs tagged by kind (`ReportField`) for `compare`.
    func taggedFiles() throws -> TaggedReportFiles
}

/// A report's files by path relative to the notebooks folder, as `GeneratedReport.taggedFiles` makes them.
public struct TaggedReportFiles {
    let files: [(path: String, data: Data)]
}

extension GeneratedReport {
    /// Every file as written: markers dropped from the text files.
    public func files() throws -> [(path: String, data: Data)] {
        try taggedFiles().files.map { file in
            file.path.hasSuffix(".png") ? file : (file.path, Data(ReportField.plain(String(decoding: file.data, as: UTF8.self)).utf8))
        }
    }

    /// Writes the report under `folder`, replacing earlier versions; returns the notebook's URL.
    @discardableResult
    public func write(to folder: URL) throws -> URL {
        let files = try files()
        for (path, data) in files { try AtomicFile.write(data, to: folder.appendingPathComponent(path)) }
        return folder.appendingPathComponent(files[0].path)
    }
}
