import Foundation
import MedadVolumes
import Testing
import MedadTestSupport

/// The MOOD path through the built CLI, as a user runs it: phantoms → a toy test set → a tiny trained run →
/// `medad predict` (both tasks) → `medad score`, then a submission directory whose scripts run on a
/// read-only input folder with the local binary.
@Suite struct MOODRoundTripTests {
    static let medad = medadExecutable
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @discardableResult
    static func medad(_ arguments: [String]) throws -> String {
        let result = try runProcess(medad, arguments + ["--threads", "2"])
        #expect(result.status == 0, "medad \(arguments.joined(separator: " ")): \(result.error)")
        return result.output
    }

    static func names(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    static func checkScores(_ json: String, keys: [String]) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in keys {
            let value = object[key]
            #expect(value != nil, "missing \(key)")
            if let number = value as? Double { #expect((0...1).contains(number), "\(key) = \(number)") }
        }
    }

    /// In a fresh temporary folder: `count` phantoms of `size`³ in normal/, a toy test set of them with
    /// spheres in half in test/, and a run trained on them from folders with `settings` (backbone, data
    /// keys, method).
    static func toyRun(count: Int, size: Int, settings: String) throws -> (temp: TemporaryFolder, config: URL, run: URL, test: URL, toy: URL) {
        let temp = try TemporaryFolder(), root = temp.url
        let normal = root.appendingPathComponent("normal"), test = root.appendingPathComponent("test")
        try medad(["data", "phantom", "--out", normal.path, "--count", "\(count)", "--size", "\(size)", "--seed", "0"])
        try medad(["data", "anomalies", "--in", normal.path, "--out", test.path, "--types", "sphere", "--fraction", "0.5", "--seed", "1"])
        let config = root.appendingPathComponent("tiny.json"), run = root.appendingPathComponent("run")
        try """
        {"name": "mood-roundtrip", \(settings),
         "folders": {"train": "\(normal.path)", "val": "\(test.path)", "test": "\(test.path)"}},
         "train": {"steps": 4, "batch": 2, "warmup": 0, "val_every": 2, "checkpoint_every": 2}}
        """.write(to: config, atomically: true, encoding: .utf8)
        try medad(["train", "--config", config.path, "--out", run.path])
        return (temp, config, run, test, test.appendingPathComponent("toy"))
    }

    @Test func phantomsToScoredPredictionsAndASubmission() throws {
        let (temp, config, run, test, toy) = try Self.toyRun(count: 6, size: 32, settings: #"""
            "backbone": "cnn-s", "method": {"name": "ae"}, "data": {"source": "folders", "size": 32, "axis": 2
            """#)
        let root = temp.url
        // The abdomen run scales with the CT window in training; its scripts pass the same preset.
        let ctRun = root.appendingPathComponent("run-ct")
        try Self.medad(["train", "--config", config.path, "--set", "data.preset=ct", "--out", ctRun.path])
        #expect(try String(contentsOf: ctRun.appendingPathComponent("config.json"), encoding: .utf8).contains("\"preset\": \"ct\""))

        let cases = try Self.names(toy)
        #expect(cases.count == 6)
        for task in ["pixel", "sample"] {
            let predictions = root.appendingPathComponent("pred-\(task)")
            let printed = try Self.medad(["predict", "--task", task, "--input", toy.path, "--output", predictions.path,
                                          "--model", run.path])
            #expect(printed.split(separator: "\n").count == 6)
            #expect(try Self.names(predictions) == cases.map { task == "pixel" ? $0 : $0 + ".txt" })
            let scored = try Self.medad(["score", "--task", task, "--pred", predictions.path,
                                         "--label", test.appendingPathComponent("toy_label/\(task)").path, "--json", "--resamples", "20"])
            try Self.checkScores(scored, keys: task == "pixel" ? ["ap", "auroc", "best_dice", "aupro_30"] : ["ap", "auroc", "max_f1"])
        }
        // The per-file lines printed to a full device are lost: the command says so and fails.
        let full = try runProcess(Self.medad, ["predict", "--task", "sample", "--input", toy.path, "--output",
                                               root.appendingPathComponent("pred-full").path, "--model", run.path, "--threads", "2"],
                                  standardOutput: URL(fileURLWithPath: "/dev/full"))
        #expect(full.status != 0 && full.error == "cannot write to standard output: No space left on device\n", "\(full.error)")
        for name in cases {
            let (map, header) = try Nifti.read(root.appendingPathComponent("pred-pixel/\(name)"))
            let input = try Nifti.readHeader(toy.appendingPathComponent(name))
            #expect(header.dims == input.dims && header.sform == input.sform && header.qform == input.qform)
            #expect(map.voxels.allSatisfy { (0...1).contains($0) })
            let text = try String(contentsOf: root.appendingPathComponent("pred-sample/\(name).txt"), encoding: .utf8)
            let score = try #require(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect((0...1).contains(score))
        }

        // A corrupt file is reported and skipped; the others are predicted; the exit status counts failures.
        let mixed = try temp.folder("mixed")
        for name in cases { try FileManager.default.copyItem(at: toy.appendingPathComponent(name), to: mixed.appendingPathComponent(name)) }
        try Data(repeating: 7, count: 500).write(to: mixed.appendingPathComponent("corrupt.nii.gz"))
        let partial = try runProcess(Self.medad, ["predict", "--task", "sample", "--input", mixed.path, "--output",
                                                root.appendingPathComponent("pred-mixed").path, "--model", run.path])
        #expect(partial.status == 1)
        let errors = partial.error.split(separator: "\n")
        #expect(errors.count == 2 && errors[0].hasPrefix("skipped corrupt.nii.gz: ") && errors[1] == "1 of 7 files failed",
                "\(partial.error)")
        #expect(try Self.names(root.appendingPathComponent("pred-mixed")) == cases.map { $0 + ".txt" })

        // The submission directory: its scripts, run by sh on a read-only input folder with TMPDIR set to
        // the output, leave exactly the predictions behind.
        let submission = root.appendingPathComponent("submission")
        try Self.medad(["mood", "package", "--brain", run.path, "--abdom", ctRun.path, "--out", submission.path,
                        "--source", Self.repository.path])
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: toy.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: toy.path) }
        for script in ["run_pixel_brain.sh", "run_sample_abdom.sh"] {
            let output = try temp.folder("script-\(script)")
            let result = try runProcess(shell, [submission.appendingPathComponent(script).path, toy.path, output.path],
                                      environment: ["MEDAD_BIN": Self.medad.path])
            #expect(result.status == 0 && result.error.isEmpty, "\(script): \(result.error)")
            #expect(try Self.names(output) == cases.map { script.contains("pixel") ? $0 : $0 + ".txt" })
        }
    }

    /// A volumetric run through the same path: trained on patches of the folder's volumes, it predicts each
    /// file by sliding window into a map of the input's grid and header, scores it, and packages.
    @Test func aVolumetricRunPredictsScoresAndPackages() throws {
        let (temp, _, run, test, toy) = try Self.toyRun(count: 4, size: 24, settings: #"""
            "backbone": "cnn3d-s", "method": {"name": "synth"}, "data": {"source": "folders", "size": 24, "patch": 16
            """#)
        let predictions = temp.url.appendingPathComponent("pred")
        try Self.medad(["predict", "--task", "pixel", "--input", toy.path, "--output", predictions.path, "--model", run.path])
        let cases = try Self.names(toy)
        #expect(try Self.names(predictions) == cases)
        for name in cases {
            let (map, header) = try Nifti.read(predictions.appendingPathComponent(name))
            let input = try Nifti.readHeader(toy.appendingPathComponent(name))
            #expect(header.dims == input.dims && header.sform == input.sform)
            #expect(map.voxels.allSatisfy { (0...1).contains($0) } && Set(map.voxels).count > 1)
        }
        let scored = try Self.medad(["score", "--task", "pixel", "--pred", predictions.path,
                                     "--label", test.appendingPathComponent("toy_label/pixel").path, "--json", "--resamples", "20"])
        try Self.checkScores(scored, keys: ["ap", "auroc"])
        try Self.medad(["mood", "package", "--brain", run.path, "--abdom", run.path, "--out", temp.url.appendingPathComponent("sub").path,
                        "--source", Self.repository.path])
    }
}
