import Foundation

/// Writes that matter (checkpoints, results, reports) go to a temporary file in the target's folder
/// and are renamed into place, so a killed process leaves either the old file or the new one.
public enum AtomicFile {
    /// Creates the folder that will hold `url` (and its parents); the error names the folder.
    @discardableResult
    public static func createFolder(for url: URL) throws -> URL {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw MedadError("\(folder.path): cannot create folder (\(error.localizedDescription))")
        }
        return folder
    }

    public static func write(_ data: Data, to url: URL) throws {
        let folder = try createFolder(for: url)
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw MedadError("\(url.path): cannot write (folder not writable?)")
        }
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw MedadError("\(url.path): write failed (\(error.localizedDescription))")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw MedadError("\(url.path): cannot move the finished file into place (\(reason))")
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}
