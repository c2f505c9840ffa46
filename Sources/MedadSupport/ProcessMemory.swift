import Foundation

/// The process's peak resident memory, for benchmarks that report memory next to time.
public enum ProcessMemory {
    /// VmHWM of /proc/self/status in bytes; nil where /proc is unavailable.
    public static func peakResidentBytes() -> Int? { procBytes("VmHWM:", in: "/proc/self/status") }

    /// A `Key:   N kB` line of a /proc file (status, meminfo) in bytes; nil when the file or key is missing.
    static func procBytes(_ key: String, in path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let kilobytes = Int(line.dropFirst(key.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Writing 5 to /proc/self/clear_refs resets VmHWM to the current resident size (Linux ≥ 4.0), so a
    /// measurement's peak can exclude its set-up. Does nothing where that file is missing.
    public static func resetPeakResident() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }
}
