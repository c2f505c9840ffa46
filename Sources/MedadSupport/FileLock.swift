import Foundation

/// An advisory lock (`flock`) on a file, held until this value is released or its process ends,
/// however it ends. Why: two sweeps launched on one experiment would otherwise train the same cell into
/// the same folder at once, each overwriting the other's checkpoints.
public final class FileLock {
    private let descriptor: Int32
    public let url: URL

    private init(descriptor: Int32, url: URL) {
        self.descriptor = descriptor
        self.url = url
    }

    deinit {
        // Emptied first, so a sweep that finds the lock taken never reads a pid that has let it go.
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Takes the lock at `url` (created with its folder when missing) without waiting, and writes this
    /// process's id into it: `.held(self)`, or `.busy(pid)` when another holder has it (its pid as it
    /// wrote it, nil if unreadable). Where the file system keeps no locks (some cluster mounts refuse
    /// flock), the lock is granted: there is nothing to enforce there.
    public static func acquire(at url: URL) throws -> Acquisition {
        try AtomicFile.createFolder(for: url)
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw MedadError("\(url.path): cannot open the lock file (\(String(cString: strerror(errno))))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let reason = errno
            if reason == EWOULDBLOCK {
                let holder = (try? String(contentsOf: url, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                close(descriptor)
                return .busy(holder: holder)
            }
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return .held(FileLock(descriptor: descriptor, url: url))
    }

    public enum Acquisition {
        case held(FileLock)
        case busy(holder: Int32?)
    }
}
