import Foundation
import MedadConfig
import MedadSupport

/// Runs each cell in a child process, `<executable> sweep run <experiment> --only <id>`, so parallel
/// cells (`--jobs N`) never share a process's thread pools or memory. The child does the real work
/// with the in-process executor and leaves the same folder as a sequential run would.
public struct ProcessCellExecutor: CellExecutor {
    public let executable: URL
    public let experiment: URL
    public let root: URL
    /// Threads each child may use (cores / jobs), passed as --threads.
    public let threads: Int
    /// Holds the parent's process id in a child's environment, so that the child can stop when its
    /// parent is gone (the `medad` executable watches it).
    public static let parentVariable = "MEDAD_SWEEP_PARENT"

    public init(executable: URL, experiment: URL, root: URL, threads: Int) {
        self.executable = executable
        self.experiment = experiment
        self.root = root
        self.threads = threads
    }

    public func run(cell: SweepCell, source: String, directory: URL, resume: Bool) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["sweep", "run", experiment.path, "--only", cell.id, "--runs", root.path,
                             "--threads", String(threads), "--quiet"]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.parentVariable: String(getpid())]) { $1 }
        let log = directory.appendingPathComponent("sweep-child.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: log.path) else { throw MedadError("\(log.path): cannot write") }
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        do { try process.run() } catch { throw MedadError("\(executable.path): cannot start (\(error.localizedDescription))") }
        process.waitUntilExit()
        if case .failed(let reason) = CellStatus(directory: directory) { throw MedadError(reason) }
        guard process.terminationStatus == 0 else {
            throw MedadError("child process exited with status \(process.terminationStatus); see \(log.path)")
        }
    }
}
