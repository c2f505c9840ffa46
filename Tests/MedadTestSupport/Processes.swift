import Foundation

/// The `medad` executable built next to the test binary (test targets that run it depend on `medad`).
public let medadExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("medad")

/// Runs `executable` to completion; `environment` entries are added to (or replace) this process's.
/// `standardOutput`: a file to send the child's standard output to (e.g. /dev/full) instead of `output`;
/// `directory`: the child's working directory (default: this process's).
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                       standardOutput: URL? = nil, directory: URL? = nil) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = executable
    if let directory { process.currentDirectoryURL = directory }
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe(), error = Pipe()
    let file = try standardOutput.map { try FileHandle(forWritingTo: $0) }
    defer { try? file?.close() }
    process.standardOutput = file ?? output
    process.standardError = error
    try process.run()
    // Read both pipes before waiting, so a chatty child cannot block on a full pipe.
    let outData = file == nil ? output.fileHandleForReading.readDataToEndOfFile() : Data()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
