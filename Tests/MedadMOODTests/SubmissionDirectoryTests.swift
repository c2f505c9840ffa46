import Foundation
import MedadMetrics
import MedadMOOD
import MedadSupport
import Testing
import MedadTestSupport

@Suite struct SubmissionDirectoryTests {
    /// The repository root, whose source the submission copies.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func fakeRun(_ folder: URL) throws -> URL {
        let checkpoints = folder.appendingPathComponent("checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        for name in ["best.safetensors", "best.json", "last.safetensors", "last.json"] {
            try Data(name.utf8).write(to: checkpoints.appendingPathComponent(name))
        }
        try Data("{}".utf8).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    @Test func writesAllPartsAndChecksEachModel() throws {
        let temp = try TemporaryFolder()
        let brain = try Self.fakeRun(try temp.folder("brain-run")), abdom = try Self.fakeRun(try temp.folder("abdom-run"))
        let out = temp.url.appendingPathComponent("submission")
        var checked: [String] = []
        try SubmissionDirectory.write(models: [.brain: brain, .abdom: abdom], source: Self.repository, to: out) {
            checked.append($0.lastPathComponent)
        }
        #expect(checked == ["brain", "abdom"])
        let files = FileManager.default
        for dataset in ["brain", "abdom"] {
            let checkpoints = out.appendingPathComponent("models/\(dataset)/checkpoints")
            #expect(try files.contentsOfDirectory(atPath: checkpoints.path).sorted() == ["best.json", "best.safetensors"])
        }
        for item in ["Package.swift", "Sources/medad", "Sources/MedadMOOD/SubmissionDirectory.swift", "Tests", "Dockerfile", "README.md"] {
            let path = item.hasPrefix("Package") || item.hasPrefix("Sources") || item.hasPrefix("Tests") ? "source/" + item : item
            #expect(files.fileExists(atPath: out.appendingPathComponent(path).path), "\(path)")
        }
        #expect(!files.fileExists(atPath: out.appendingPathComponent("source/.build").path))
        let dockerfile = try String(contentsOf: out.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(dockerfile.contains("FROM swift:6.3-bookworm AS build") && dockerfile.contains("COPY --from=build /out/medad"))
        #expect(dockerfile.contains("--product medad --static-swift-stdlib"))
        for task in MOODTask.allCases {
            for dataset in MOODDataset.allCases {
                let name = SubmissionDirectory.scriptName(task: task, dataset: dataset)
                #expect(dockerfile.contains(name))
                let permissions = try files.attributesOfItem(atPath: out.appendingPathComponent(name).path)[.posixPermissions] as? Int
                #expect(permissions == 0o755)
            }
        }
        // Refuses to write over a non-empty directory.
        #expect(throws: MedadError.self) {
            try SubmissionDirectory.write(models: [.brain: brain, .abdom: abdom], source: Self.repository, to: out) { _ in }
        }
    }

    @Test func aModelThatDoesNotLoadLeavesNoDirectory() throws {
        let temp = try TemporaryFolder()
        let run = try Self.fakeRun(try temp.folder("run"))
        let out = temp.url.appendingPathComponent("submission")
        #expect(throws: MedadError.self) {
            try SubmissionDirectory.write(models: [.brain: run, .abdom: run], source: Self.repository, to: out) { model in
                if model.lastPathComponent == "abdom" { throw MedadError("\(model.path): weights do not load") }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temp.url.path) == ["run"])
        #expect(throws: MedadError.self) {
            try SubmissionDirectory.write(models: [.brain: run, .abdom: run], source: temp.url, to: out) { _ in }
        }
        #expect(throws: MedadError.self) {
            try SubmissionDirectory.write(models: [.brain: run], source: Self.repository, to: out) { _ in }
        }
    }

    /// The scripts, run by `sh` as MOOD does, call the binary named by MEDAD_BIN with the task, the folders,
    /// the model beside the script and the data set's preset, with TMPDIR set to the output folder.
    @Test func scriptsPassTheirArgumentsThrough() throws {
        let temp = try TemporaryFolder()
        let fake = temp.url.appendingPathComponent("fake-medad")
        try "#!/bin/sh\necho \"TMPDIR=$TMPDIR\"\nfor a in \"$@\"; do echo \"$a\"; done\n".write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let script = temp.url.appendingPathComponent("run_pixel_abdom.sh")
        try SubmissionDirectory.script(task: .pixel, dataset: .abdom).write(to: script, atomically: true, encoding: .utf8)
        let (status, output, _) = try runProcess(shell, [script.path, "/in dir", "/out"], environment: ["MEDAD_BIN": fake.path])
        #expect(status == 0)
        #expect(output.split(separator: "\n") == [
            "TMPDIR=/out", "predict", "--task", "pixel", "--input", "/in dir", "--output", "/out",
            "--model", "\(temp.url.path)/models/abdom", "--preset", "ct",
        ])
        let usage = try runProcess(shell, [script.path, "/in"], environment: ["MEDAD_BIN": fake.path]).status
        #expect(usage == 2)
        let brain = SubmissionDirectory.script(task: .sample, dataset: .brain)
        #expect(brain.contains("--task sample") && brain.contains("models/brain\" --preset mri\n"))
    }
}
