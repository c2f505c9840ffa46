// Folder conventions of the MICCAI MOOD challenge evaluation (github.com/MIC-DKFZ/mood, scripts/evalresults.py):
// every file of the label folder is one case, the prediction of the same file name is looked up in the
// prediction folder, predictions are clipped to [0, 1], and a prediction that is missing, unreadable or of
// the wrong shape counts as all zeros. Here a missing or wrong-shaped prediction is also reported as a warning,
// and an unreadable one (a folder, a corrupt file) is an error naming it, in both tasks.
import Foundation
import MedadSupport

/// The two MOOD tasks: one score per case, or one score per voxel.
public enum MOODTask: String, Sendable, CaseIterable {
    case sample
    case pixel
}

/// A case of a MOOD evaluation: a label file and where its prediction should be.
public struct MOODCase: Sendable, Equatable {
    public let name: String
    public let label: URL
    public let prediction: URL
}

public enum MOODFolders {
    /// Cases in file-name order of the label folder (hidden files skipped); predictions without a label
    /// are listed in `ignored`.
    public static func cases(predictions: URL, labels: URL) throws -> (cases: [MOODCase], ignored: [String]) {
        let labelNames = try visibleFiles(in: labels, role: "label")
        guard !labelNames.isEmpty else { throw MedadError("\(labels.path): label folder holds no files") }
        let predictionNames = try visibleFiles(in: predictions, role: "prediction")
        let cases = labelNames.map {
            MOODCase(name: $0, label: labels.appendingPathComponent($0), prediction: predictions.appendingPathComponent($0))
        }
        return (cases, predictionNames.filter { !Set(labelNames).contains($0) })
    }

    private static func visibleFiles(in folder: URL, role: String) throws -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw MedadError("\(folder.path): \(role) folder not found")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A sample-task file holds one number; only this much of it is read, so that a large file in the
    /// folder (a volume named .txt, /dev/zero behind a link) costs no more than a real one.
    static let sampleFileBytes = 64 << 10

    /// The first line of a sample-task file (within its first `sampleFileBytes`), trimmed; nil when that
    /// line is not UTF-8 text. A path that cannot be read at all (a folder, no permission) is an error
    /// naming it, as the `role` file.
    static func firstLine(_ url: URL, role: String) throws -> String? {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw MedadError("\(url.path): \(role) is a folder, not a file")
        }
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: sampleFileBytes) ?? Data()
        } catch {
            throw MedadError("\(url.path): \(role) cannot be read")
        }
        let line = head.prefix { $0 != UInt8(ascii: "\n") }
        guard let text = String(data: line, encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
