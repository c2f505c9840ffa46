import Foundation

/// How much more memory this process can take, checked before a buffer whose size comes from an input
/// (a volume's header) is allocated. Swift traps when an allocation fails, with a backtrace and no word
/// of which file asked for it; asking first turns a gzip bomb or an absurd header into one error line.
public enum MemoryBudget {
    /// The tightest limit in force and how many bytes it still allows.
    public struct Headroom: Equatable, Sendable {
        public let bytes: Int
        /// What sets the limit, as the error line names it.
        public let limit: String
    }

    /// Kept free beyond the buffer asked for: the stacks, chunks and small allocations that come
    /// with it (a volume's read buffer is 8 MB, a thread's stack 8 MB).
    public static let marginBytes = 64 << 20

    /// The smallest of: the address space left under RLIMIT_AS (`ulimit -v`; a failed mmap is what
    /// makes Swift trap), RAM available plus free swap (beyond it the kernel refuses or the OOM killer
    /// ends the process), and the cgroup v2 memory limit less its usage. nil when none is known.
    public static func headroom() -> Headroom? {
        var limits: [Headroom] = []
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max, let used = statusBytes("VmSize:") {
            limits.append(Headroom(bytes: max(0, Int(clamping: limit.rlim_cur) - used),
                                   limit: "left under the address-space limit (ulimit -v)"))
        }
        if let available = meminfoBytes("MemAvailable:") {
            limits.append(Headroom(bytes: available + (meminfoBytes("SwapFree:") ?? 0), limit: "of memory available"))
        }
        if let cgroup = cgroupHeadroom() {
            limits.append(Headroom(bytes: cgroup, limit: "left under the cgroup memory limit"))
        }
        return limits.min { $0.bytes < $1.bytes }
    }

    /// Requests below this are not checked: reading the limits (a few /proc files) costs more than
    /// reading a volume of that size, and a process that cannot find 1 MB fails anyway.
    public static let uncheckedBytes = 1 << 20

    /// Throws `subject: needs X for what, more than the Y <limit>` when `bytes` (plus `marginBytes`)
    /// exceed the headroom; does nothing when no limit is known.
    public static func require(_ bytes: Int, for subject: String, _ what: String) throws {
        guard bytes >= uncheckedBytes, let room = headroom(), bytes > room.bytes - marginBytes else { return }
        throw MedadError("\(subject): needs \(format(bytes)) for \(what), more than the \(format(max(0, room.bytes - marginBytes))) \(room.limit)")
    }

    /// Bytes as GB with one decimal, or MB below 1 GB.
    public static func format(_ bytes: Int) -> String {
        bytes >= 1_000_000_000 ? String(format: "%.1f GB", Double(bytes) / 1e9) : String(format: "%.0f MB", Double(bytes) / 1e6)
    }

    private static func statusBytes(_ key: String) -> Int? { ProcessMemory.procBytes(key, in: "/proc/self/status") }
    private static func meminfoBytes(_ key: String) -> Int? { ProcessMemory.procBytes(key, in: "/proc/meminfo") }

    /// memory.max less memory.current of this process's cgroup (v2), nil when unlimited or unknown.
    private static func cgroupHeadroom() -> Int? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else { return nil }
        let folder = "/sys/fs/cgroup" + line.dropFirst(3)
        func number(_ name: String) -> Int? {
            (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        guard let maximum = number("memory.max"), let current = number("memory.current") else { return nil }
        return max(0, maximum - current)
    }
}
