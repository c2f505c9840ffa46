import Foundation
import MedadVolumes
import Testing
import MedadTestSupport

/// Failures the built CLI must report as one line on stderr with a non-zero exit, never as a success,
/// a trace or a silently lost result.
@Suite struct CommandFailureTests {
    static let fullDevice = URL(fileURLWithPath: "/dev/full")

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    /// A .nii.gz cut inside its gzip trailer holds every voxel; it was read with exit 0.
    @Test func dataInfoRefusesAGzipCutInItsTrailer() throws {
        let temp = try TemporaryFolder()
        let whole = temp.file("whole.nii.gz")
        try Nifti.write(Volume(dims: [8, 8, 8], voxels: (0..<512).map { Float($0) }), to: whole)
        let data = try Data(contentsOf: whole)
        for cut in [1, 8] {
            let url = temp.file("cut\(cut).nii.gz")
            try data.dropLast(cut).write(to: url)
            let result = try runProcess(medadExecutable, ["data", "info", url.path])
            #expect(result.status != 0 && result.output.isEmpty)
            #expect(Self.lines(result.error) == ["Error: \(url.path): truncated or corrupt gzip stream (the trailer after the voxel data is missing or damaged)"])
        }
    }

    /// A 260 KB .nii.gz that inflates to 2^28 uint8 voxels made `data info` hold the voxels three times
    /// over (raw, float, Swift copy: about 2.3 GB at this size, 4.2 GB at 2^29) and abort when memory ran
    /// out. It streams now: under a 400 MB address-space limit it still describes the file.
    @Test func dataInfoDescribesAGzipBombInBoundedMemory() throws {
        let temp = try TemporaryFolder()
        let bomb = try gzipBomb(in: temp, name: "bomb.nii.gz", dims: [1024, 512, 512], present: 1 << 28)
        let result = try medadUnderLimit(kilobytes: 400_000, ["data", "info", bomb.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("shape 1024x512x512") && result.output.contains("range [0, 0]"))
    }

    /// Output written to a full device was lost without a word and the command exited 0.
    @Test func commandsFailWhenStandardOutputCannotBeWritten() throws {
        let temp = try TemporaryFolder()
        let volume = temp.file("v.nii.gz")
        try Nifti.write(Volume(dims: [4, 4, 4], filledWith: 1), to: volume)
        let labels = try temp.folder("labels"), predictions = try temp.folder("pred")
        for (i, label) in [0, 1, 0, 1].enumerated() {
            try temp.write("labels/c\(i).nii.gz.txt", "\(label)\n")
            try temp.write("pred/c\(i).nii.gz.txt", "0.\(i + 2)\n")
        }
        for arguments in [["data", "info", volume.path],
                          ["score", "--task", "sample", "--pred", predictions.path, "--label", labels.path, "--json", "--resamples", "10"]] {
            let result = try runProcess(medadExecutable, arguments, standardOutput: Self.fullDevice)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.error == "cannot write to standard output: No space left on device\n", "\(arguments)")
        }
    }

    /// An unusable run directory gave a Foundation error dump, after the data had been built.
    @Test func unusableTrainOutputIsOneLine() throws {
        let temp = try TemporaryFolder()
        let config = try temp.write("run.json", #"{"method": {"name": "ae"}, "data": {"size": 16, "phantom": {"volume_size": 16}}}"#)
        let file = try temp.write("taken", "a file")
        let cases: [(out: String, says: String)] = [
            ("/proc/medad-\(UUID().uuidString)/run", "/proc/medad-"),
            (file.path, "\(file.path): exists and is not a folder"),
            (file.appendingPathComponent("run").path, "\(file.path): exists and is not a folder"),
        ]
        for (out, says) in cases {
            let result = try runProcess(medadExecutable, ["train", "--config", config.path, "--out", out])
            #expect(result.status != 0, "\(out)")
            #expect(Self.lines(result.error).count == 1 && result.error.contains(says) && !result.error.contains("Domain"), "\(result.error)")
        }
    }

    /// A checkpoint that cannot be written (here: a file size limit between the best checkpoint's size
    /// and the last one's, which holds the optimizer state too) is recorded like any other failure, and
    /// its temporary file goes.
    @Test func failedCheckpointWriteIsRecordedAndCleanedUp() throws {
        let temp = try TemporaryFolder()
        let config = try temp.write("run.json", """
            {"method": {"name": "ae"}, "data": {"size": 16, "phantom": {"subjects": 6, "volume_size": 16}},
             "train": {"steps": 2, "batch": 2, "val_every": 1, "checkpoint_every": 1, "warmup": 0}}
            """)
        let run = temp.file("run")
        // SIGXFSZ ignored, so a write past the limit fails with EFBIG instead of killing the process;
        // dash counts the limit in 512-byte blocks: 8 MiB.
        let result = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "trap '' XFSZ; ulimit -f 16384; exec \"$0\" \"$@\"",
                                                                      medadExecutable.path, "train", "--config", config.path,
                                                                      "--out", run.path, "--threads", "2"])
        let reason = "\(run.path)/checkpoints/last.safetensors: write failed (File too large)"
        #expect(result.status == 1 && result.error.hasSuffix("Error: \(reason)\n"), "\(result.error)")
        let status = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("status.json"))) as? [String: Any]
        #expect(status?["status"] as? String == "failed" && status?["error"] as? String == reason)
        let log = try String(contentsOf: run.appendingPathComponent("train.jsonl"), encoding: .utf8)
        #expect(Self.lines(log).last?.contains(#""kind":"status","status":"failed""#) == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("checkpoints").path).sorted()
                == ["best.json", "best.safetensors"])
    }
}
