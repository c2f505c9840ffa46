import Foundation
import MedadConfig
import MedadExperiments
import MedadSupport
import Testing
import MedadTestSupport

/// The real `medad` binary on a tiny real experiment: killed with SIGKILL mid-sweep, rerun, and checked
/// cell by cell.
@Suite struct KillResumeTests {
    /// Eight cells of the fast, fitted intensity baseline on small phantoms.
    static let experiment = """
    {
      "name": "tiny",
      "backbone": "cnn-s",
      "data": {"size": 16, "phantom": {"subjects": 24, "volume_size": 24}},
      "method": {"name": "intensity"},
      "eval": {"bootstrap": 10, "examples": 1},
      "sweep": {"seed": [0, 1, 2, 3, 4, 5, 6, 7]}
    }
    """

    static func sweep(_ file: URL, runs: URL, options: [String] = ["--threads", "1"]) throws -> Process {
        let process = Process()
        process.executableURL = medadExecutable
        process.arguments = ["sweep", "run", file.path, "--runs", runs.path] + options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(.timeLimit(.minutes(1))) func aKilledSweepResumesWithNothingLostOrRepeated() throws {
        let scratch = try TemporaryFolder()
        let file = try scratch.write("tiny.json", Self.experiment)
        let runs = scratch.file("runs")
        let cells = try Experiment(url: file).cells
        let results = cells.map { runs.appendingPathComponent("tiny/\($0.id)/result.json") }
        func finished() -> [URL] { results.filter { FileManager.default.fileExists(atPath: $0.path) } }

        let first = try Self.sweep(file, runs: runs)
        let deadline = Date().addingTimeInterval(40)
        while finished().isEmpty && first.isRunning && Date() < deadline { usleep(5_000) }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let before = finished()
        try #require(!before.isEmpty && before.count < cells.count, "the kill must land mid-sweep (\(before.count) of \(cells.count) done)")
        let stamps = try before.map { try FileManager.default.attributesOfItem(atPath: $0.path)[.modificationDate] as! Date }
        let contents = try before.map { try Data(contentsOf: $0) }

        let second = try Self.sweep(file, runs: runs)
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        #expect(finished().count == cells.count)
        // Cells finished before the kill were skipped: same bytes, same modification time.
        for (k, url) in before.enumerated() {
            #expect(try Data(contentsOf: url) == contents[k])
            #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as! Date == stamps[k])
        }
        // Exactly one cell folder per cell and one result per folder.
        let folders = try FileManager.default.contentsOfDirectory(atPath: runs.appendingPathComponent("tiny").path).filter { !$0.hasPrefix(".") }
        #expect(folders.sorted() == cells.map(\.id).sorted())
        for cell in cells {
            let names = try FileManager.default.contentsOfDirectory(atPath: runs.appendingPathComponent("tiny/\(cell.id)").path)
            #expect(names.filter { $0 == "result.json" }.count == 1)
            #expect(!names.contains("failure.json"))
        }
        // Deterministic: a finished cell run again from scratch reproduces its metrics.
        let redo = runs.appendingPathComponent("tiny/\(cells[0].id)")
        let original = try JSONParser.parse(file: redo.appendingPathComponent("result.json"))
        try FileManager.default.removeItem(at: redo)
        let third = try Self.sweep(file, runs: runs)
        third.waitUntilExit()
        let again = try JSONParser.parse(file: redo.appendingPathComponent("result.json"))
        for path in ["sample", "pixel", "cases"] {
            #expect(ConfigComposition.value(at: path, in: again) == ConfigComposition.value(at: path, in: original), "\(path)")
        }
    }
}
