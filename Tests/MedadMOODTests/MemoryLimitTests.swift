import Foundation
import Testing
import MedadTestSupport

/// `predict`, `score` and `train` read whole volumes. A small .nii.gz whose voxels (with the command's
/// working copies) need more memory than the process has left was an abort with a backtrace; it is one
/// error line naming the file, what it needs and the limit, before anything large is allocated.
@Suite struct MemoryLimitTests {
    /// 1 GB of address space: medad itself takes about 0.4 GB of it (libraries, thread stacks, BLAS buffers).
    static let limit = 1_000_000

    /// 2^27 uint8 voxels in 130 KB: 0.5 GB as float32, several times that for each command.
    static let dims = [512, 512, 512]
    static let voxels = 1 << 27

    static func lines(_ text: String) -> [Substring] { text.split(separator: "\n") }

    /// The refusal `Nifti.read` gives for `file` with `copies` working copies, up to the headroom it reports.
    static func expectRefusal(_ line: Substring?, file: URL, copies: Int, prefix: String = "Error: ") {
        let needs = String(format: "%.1f GB", Double(voxels * 4 * copies) / 1e9)
        let expected = "\(prefix)\(file.path): needs \(needs) for \(voxels) voxels as float32 (\(copies) volume-sized working copies), more than the "
        #expect(line?.hasPrefix(expected) == true && line?.hasSuffix(" left under the address-space limit (ulimit -v)") == true,
                "\(line ?? "no line") should start with \(expected)")
    }

    @Test func aGzipBombIsOneErrorLineForPredictScoreAndTrain() throws {
        let temp = try TemporaryFolder()
        let normal = try temp.folder("normal"), test = temp.url.appendingPathComponent("test"), run = temp.file("run")
        try MOODRoundTripTests.medad(["data", "phantom", "--out", normal.path, "--count", "4", "--size", "16", "--seed", "0"])
        try MOODRoundTripTests.medad(["data", "anomalies", "--in", normal.path, "--out", test.path, "--types", "sphere",
                                      "--fraction", "0.5", "--seed", "1"])
        func config(train: URL) throws -> URL {
            try temp.write("run-\(train.lastPathComponent).json", """
                {"backbone": "cnn-s", "method": {"name": "ae"},
                 "data": {"source": "folders", "size": 16, "axis": 2,
                          "folders": {"train": "\(train.path)", "val": "\(test.path)", "test": "\(test.path)"}},
                 "train": {"steps": 1, "batch": 2, "warmup": 0, "val_every": 1, "checkpoint_every": 1}}
                """)
        }
        try MOODRoundTripTests.medad(["train", "--config", try config(train: normal).path, "--out", run.path])
        let bombs = try temp.folder("bombs")
        let bomb = try gzipBomb(in: temp, name: "bombs/bomb.nii.gz", dims: Self.dims, present: Self.voxels)

        let predicted = try medadUnderLimit(kilobytes: Self.limit, ["predict", "--task", "pixel", "--input", bombs.path,
                                                                   "--output", temp.file("pred").path, "--model", run.path])
        #expect(predicted.status == 1 && Self.lines(predicted.error).count == 2, "\(predicted.error)")
        Self.expectRefusal(Self.lines(predicted.error).first, file: bomb, copies: 6, prefix: "skipped bomb.nii.gz: ")
        #expect(Self.lines(predicted.error).last == "1 of 1 files failed")

        let scored = try medadUnderLimit(kilobytes: Self.limit, ["score", "--task", "pixel", "--pred", bombs.path,
                                                                "--label", bombs.path, "--resamples", "10"])
        #expect(scored.status == 1 && Self.lines(scored.error).count == 1, "\(scored.error)")
        Self.expectRefusal(Self.lines(scored.error).first, file: bomb, copies: 5)

        let trained = try medadUnderLimit(kilobytes: Self.limit, ["train", "--config", try config(train: bombs).path,
                                                                 "--out", temp.file("bomb-run").path])
        #expect(trained.status == 1 && Self.lines(trained.error).count == 1, "\(trained.error)")
        Self.expectRefusal(Self.lines(trained.error).first, file: bomb, copies: 3)
    }

    /// A header claiming 2^28 voxels in front of 1000 bytes: under the limit it is refused as what it is
    /// (truncated), not as too large.
    @Test func aLyingHeaderIsReportedAsTruncatedUnderALimit() throws {
        let temp = try TemporaryFolder()
        let folder = try temp.folder("in")
        let lie = try gzipBomb(in: temp, name: "in/lie.nii.gz", dims: [1024, 512, 512], present: 1000)
        let scored = try medadUnderLimit(kilobytes: Self.limit, ["score", "--task", "pixel", "--pred", folder.path,
                                                                "--label", folder.path, "--resamples", "10"])
        #expect(scored.status == 1 && Self.lines(scored.error) == ["Error: \(lie.path): truncated: 1000 of 268435456 voxels present"],
                "\(scored.error)")
    }

    /// A sample-task file holds one number, but whatever sits in the folder was read whole: a 2 GB
    /// (sparse) label file under a 1 GB limit made the read fail. Only its first 64 KiB are read now.
    @Test func aHugeSampleFileIsReadOnlyAsFarAsItsFirstLine() throws {
        let temp = try TemporaryFolder()
        let labels = try temp.folder("labels"), predictions = try temp.folder("pred")
        for (name, label, score) in [("a", "1", "0.9"), ("b", "0", "0.1"), ("c", "1", "0.8")] {
            try temp.write("labels/\(name).nii.gz.txt", "\(label)\n")
            try temp.write("pred/\(name).nii.gz.txt", "\(score)\n")
        }
        let huge = labels.appendingPathComponent("a.nii.gz.txt")
        #expect(truncate(huge.path, 2 << 30) == 0)
        let result = try medadUnderLimit(kilobytes: Self.limit, ["score", "--task", "sample", "--pred", predictions.path,
                                                                "--label", labels.path, "--json", "--resamples", "10"])
        #expect(result.status == 0 && result.output.contains(#""auroc""#), "\(result.error)")
    }

    /// Memory that runs out outside the checked reads (a 512³ phantom is 0.5 GB a copy) ends the command
    /// with Swift's own one line and exit status 1, not a crash report of a hundred lines.
    @Test func anAllocationFailureElsewhereIsOneLine() throws {
        let temp = try TemporaryFolder()
        let result = try medadUnderLimit(kilobytes: 400_000, ["data", "phantom", "--out", temp.file("p").path, "--count", "1",
                                                             "--size", "512", "--threads", "1"])
        #expect(result.status == 1, "\(result.error)")
        #expect(Self.lines(result.error).count == 1 && result.error.hasPrefix("Fatal error: failed to allocate "), "\(result.error)")
    }
}
