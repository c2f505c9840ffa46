import Foundation

/// What every target does with libFuzzer's bytes.
public enum FuzzInput {
    /// The input split at NUL bytes: the first part is the file, the rest are extra arguments (`--set`
    /// assignments, a second file), so one input can vary both.
    public static func parts(_ data: UnsafePointer<UInt8>, _ size: Int) -> [Data] {
        Data(bytes: data, count: size).split(separator: 0, omittingEmptySubsequences: false).map { Data($0) }
    }

    /// A folder of this process's own under the temporary directory (scripts/fuzz.sh points TMPDIR at
    /// one in memory and removes it), made once; targets that test a reader of paths write each input
    /// here under fixed names, so the folder never grows.
    public static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("medad-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Writes `data` to `name` inside `folder` with plain POSIX calls: Foundation's `Data.write` syncs
    /// the file to disk, which took most of each run. A write that fails stops the run, as no input was tested.
    public static func write(_ data: Data, to name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        // A new file each time: ext4 flushes a file truncated and rewritten in place when it is closed.
        unlink(url.path)
        let written = data.withUnsafeBytes { bytes -> Bool in
            guard let file = fopen(url.path, "wb") else { return false }
            let complete = fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count
            return fclose(file) == 0 && complete
        }
        if !written { fatalError("fuzz harness: cannot write \(url.path): \(String(cString: strerror(errno)))") }
        return url
    }
}
