#if os(Linux)
import Foundation
import Testing
import MedadTestSupport

/// The children of `sweep run --jobs 2` on the real binary: each stops on SIGTERM, and none outlives a
/// parent killed outright (before, both kept training their cells unseen).
@Suite struct SweepChildLifetimeTests {
    /// KillResumeTests's tiny sweep, two cells that train far longer than the test waits.
    static let experiment = """
    {"extends": "tiny.json", "name": "long", "method": {"name": "synth"}, "sweep": {"seed": [0, 1]},
     "train": {"steps": 1000000, "batch": 2, "val_every": 1000000, "checkpoint_every": 1000000}}
    """

    /// Processes whose command line names `marker` (the test's own runs folder), by /proc.
    static func processes(naming marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(marker) && line.contains("--only") ? pid : nil
        }
    }

    static func wait(until condition: () -> Bool, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && Date() < deadline { usleep(20_000) }
        return condition()
    }

    @Test(.timeLimit(.minutes(1))) func childrenStopOnSIGTERMAndWithTheirParent() throws {
        let scratch = try TemporaryFolder()
        _ = try scratch.write("tiny.json", KillResumeTests.experiment)
        let file = try scratch.write("long.json", Self.experiment)
        let runs = scratch.file("runs")
        let parent = try KillResumeTests.sweep(file, runs: runs, options: ["--jobs", "2", "--threads", "2"])
        defer { for pid in [parent.processIdentifier] + Self.processes(naming: runs.path) { kill(pid, SIGKILL) } }

        try #require(Self.wait(until: { Self.processes(naming: runs.path).count == 2 }, seconds: 30), "two children start")
        let children = Self.processes(naming: runs.path)
        kill(children[0], SIGTERM)
        #expect(Self.wait(until: { !Self.processes(naming: runs.path).contains(children[0]) }, seconds: 10),
                "a child stops on SIGTERM")
        kill(parent.processIdentifier, SIGKILL)
        parent.waitUntilExit()
        #expect(Self.wait(until: { !Self.processes(naming: runs.path).contains(children[1]) }, seconds: 10),
                "a child stops when its parent is killed")
    }
}
#endif
