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
}
