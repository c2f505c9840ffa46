import Foundation

/// The process's peak resident memory, for benchmarks that report memory next to time.
public enum ProcessMemory {
    /// VmHWM of /proc/self/status in bytes; nil where /proc is unavailable.
    public static func peakResidentBytes() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// Writing 5 to /proc/self/clear_refs resets VmHWM to the current resident size (Linux ≥ 4.0), so a
    /// measurement's peak can exclude its set-up. Does nothing where that file is missing.
    public static func resetPeakResident() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }
}
