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
        // Whatever fails after the temporary exists (a full disk, a file size limit, the rename), it
        // goes: a stale temporary would pile up beside checkpoints with every failed write.
        do {
            try writeNew(data, at: temporary.path)
            guard rename(temporary.path, url.path) == 0 else {
                throw MedadError("cannot move the finished file into place (\(String(cString: strerror(errno))))")
            }
        } catch let error as MedadError {
            unlink(temporary.path)
            throw MedadError("\(url.path): \(error.message)")
        }
    }

    /// Creates `path`, writes `data` and syncs it; the error says which step failed and why.
    private static func writeNew(_ data: Data, at path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw MedadError("cannot write (\(String(cString: strerror(errno))))") }
        var code = data.withUnsafeBytes { writeAll(descriptor, $0) }
        if code == 0 && fsync(descriptor) != 0 { code = errno }
        if close(descriptor) != 0 && code == 0 { code = errno }
        if code != 0 { throw MedadError("write failed (\(String(cString: strerror(code))))") }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Writes a copy of `source` to `destination` atomically; a source it cannot read is named.
    public static func copy(_ source: URL, to destination: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: source)
        } catch {
            throw MedadError("\(source.path): cannot read (\(error.localizedDescription))")
        }
        try write(data, to: destination)
    }
}

/// Writes every byte (retrying short and interrupted writes); 0, or the errno of the failure.
private func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return written < 0 ? errno : EIO }
        offset += written
    }
    return 0
}
