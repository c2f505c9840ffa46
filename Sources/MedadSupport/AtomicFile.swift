import Foundation

/// Writes that matter (checkpoints, results, reports) go to a temporary file in the target's folder
/// and are renamed into place, so a killed process leaves either the old file or the new one.
public enum AtomicFile {
    /// Creates the folder that will hold `url` (and its parents); the error names the folder.
    @discardableResult
    public static func createFolder(for url: URL) throws -> URL {
        let folder = url.deletingLastPathComponent()
        try createFolder(at: folder)
        return folder
    }

    /// Creates `folder` and its parents, or checks an existing one, and that it can take new files.
    /// Errors are one line naming the path and the system's reason (Foundation's would name neither
    /// plainly), so a run can check its output folder before it spends any time.
    public static func createFolder(at folder: URL) throws {
        try makeFolder(folder.standardizedFileURL.path)
        guard access(folder.path, W_OK) == 0 else {
            throw MedadError("\(folder.path): folder is not writable (\(String(cString: strerror(errno))))")
        }
    }

    private static func makeFolder(_ path: String) throws {
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw MedadError("\(path): exists and is not a folder") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolder(parent) }
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else {
            throw MedadError("\(path): cannot create folder (\(String(cString: strerror(errno))))")
        }
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
