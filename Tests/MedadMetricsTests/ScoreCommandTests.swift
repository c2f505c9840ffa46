import Foundation
import Testing
import MedadMetrics
import MedadSupport
import MedadVolumes
import MedadTestSupport

/// `medad score` end to end: NIfTI volumes written to disk, the built CLI run as a process, JSON read back.
@Suite struct ScoreCommandTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try runProcess(medadExecutable, arguments)
    }

    @Test func pixelTaskFromNiftiFolders() throws {
        let temp = try TemporaryFolder()
        let labels = try temp.folder("label"), predictions = try temp.folder("pred")
        let dims = [6, 5, 4], n = dims.reduce(1, *)
        var random = SeededRandom(seed: 12)
        var allScores: [[Float]] = [], allLabels: [[UInt8]] = []
        for c in 0..<2 {
            let label = (0..<n).map { i -> Float in i % 6 >= 2 && i % 6 <= 3 && (i / 6) % 5 == c + 1 ? 1 : 0 }
            // Quarter steps are exact in half precision; 1.25 is clipped to 1.
            let prediction = label.map { $0 == 1 ? Float(2 + random.nextInt(4)) / 4 : Float(random.nextInt(3)) / 4 }
            try Nifti.write(Volume(dims: dims, voxels: label), to: labels.appendingPathComponent("case\(c).nii.gz"))
            try Nifti.write(Volume(dims: dims, voxels: prediction), to: predictions.appendingPathComponent("case\(c).nii.gz"))
            allScores.append(prediction.map { min($0, 1) })
            allLabels.append(label.map { UInt8($0) })
        }
        try Nifti.write(Volume(dims: dims, voxels: [Float](repeating: 0, count: n)), to: labels.appendingPathComponent("case2.nii.gz"))
        allScores.append([Float](repeating: 0, count: n))
        allLabels.append([UInt8](repeating: 0, count: n))

        let result = try Self.run(["score", "--task", "pixel", "--pred", predictions.path, "--label", labels.path,
                                   "--json", "--resamples", "50"])
        #expect(result.status == 0, "\(result.error)")
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as! [String: Any]
        let expected = try PooledRanking(scores: allScores, labels: allLabels)
        #expect(abs((json["ap"] as! Double) - expected.averagePrecision.number!) < 1e-12)
        #expect(abs((json["auroc"] as! Double) - expected.auroc.number!) < 1e-12)
        #expect((json["warnings"] as! [String]) == ["case2.nii.gz: prediction missing, counted as all zeros"])
        #expect(json["dice_at_threshold"] is NSNull)

        let table = try Self.run(["score", "--task", "pixel", "--pred", predictions.path, "--label", labels.path, "--resamples", "20"])
        #expect(table.status == 0 && table.output.contains("froc_average"))
        // The validation folders here are the test folders themselves, only to exercise the wiring:
        // the F1-optimal voxel threshold of these volumes equals the pooled best-Dice threshold.
        let validated = try Self.run(["score", "--task", "pixel", "--pred", predictions.path, "--label", labels.path, "--json",
                                      "--resamples", "20", "--val-pred", predictions.path, "--val-label", labels.path])
        let validatedJSON = try JSONSerialization.jsonObject(with: Data(validated.output.utf8)) as! [String: Any]
        #expect(validatedJSON["threshold"] as? Double == expected.bestDiceThreshold.number)
        #expect(abs((validatedJSON["dice_at_threshold"] as! Double) - expected.bestDice.number!) < 1e-12)
        let wrong = try Self.run(["score", "--task", "voxel", "--pred", predictions.path, "--label", labels.path])
        #expect(wrong.status != 0 && wrong.error.contains("--task must be sample or pixel"))
    }

    /// Sample folders of four cases: labels 0, 1, 0, 1 and scores 0.2 to 0.5.
    static func sampleFolders(_ temp: TemporaryFolder) throws -> (predictions: URL, labels: URL) {
        let labels = try temp.folder("label"), predictions = try temp.folder("pred")
        for (i, label) in [0, 1, 0, 1].enumerated() {
            try temp.write("label/c\(i).nii.gz.txt", "\(label)\n")
            try temp.write("pred/c\(i).nii.gz.txt", "0.\(i + 2)\n")
        }
        return (predictions, labels)
    }

    /// --resamples 1e9 reached 16 GB; the bounds are those of report.resamples and eval.bootstrap
    /// (tested just outside them: 1e9 itself would take that memory again without the bound).
    @Test func resamplesAreBounded() throws {
        let temp = try TemporaryFolder()
        let (predictions, labels) = try Self.sampleFolders(temp)
        for resamples in ["100001", "5"] {
            let result = try Self.run(["score", "--task", "sample", "--pred", predictions.path, "--label", labels.path,
                                       "--resamples", resamples])
            #expect(result.status != 0 && result.error.hasPrefix("Error: --resamples must be a whole number in 10...100000, got \(resamples)\n"),
                    "\(result.error)")
        }
    }

    /// A threshold rule without the validation folders it picks from was ignored.
    @Test func thresholdRuleNeedsValidationFolders() throws {
        let temp = try TemporaryFolder()
        let (predictions, labels) = try Self.sampleFolders(temp)
        let result = try Self.run(["score", "--task", "sample", "--pred", predictions.path, "--label", labels.path,
                                   "--threshold-rule", "p99"])
        #expect(result.status != 0 && result.error.hasPrefix("Error: --threshold-rule p99 picks the threshold on --val-pred and --val-label"),
                "\(result.error)")
    }

    /// A folder where a prediction file should be is unreadable: an error in both tasks (the sample
    /// task counted it as 0 with a warning).
    @Test func folderAsPredictionIsAnErrorInBothTasks() throws {
        let temp = try TemporaryFolder()
        let (predictions, labels) = try Self.sampleFolders(temp)
        try FileManager.default.removeItem(at: predictions.appendingPathComponent("c1.nii.gz.txt"))
        let folder = try temp.folder("pred/c1.nii.gz.txt")
        let sample = try Self.run(["score", "--task", "sample", "--pred", predictions.path, "--label", labels.path, "--resamples", "10"])
        #expect(sample.status != 0 && sample.error == "Error: \(folder.path): prediction is a folder, not a file\n", "\(sample.error)")

        let pixelLabels = try temp.folder("pixel-label"), pixelPredictions = try temp.folder("pixel-pred")
        try Nifti.write(Volume(dims: [4, 4, 4], filledWith: 0), to: pixelLabels.appendingPathComponent("c.nii.gz"))
        let pixelFolder = try temp.folder("pixel-pred/c.nii.gz")
        let pixel = try Self.run(["score", "--task", "pixel", "--pred", pixelPredictions.path, "--label", pixelLabels.path, "--resamples", "10"])
        #expect(pixel.status != 0 && pixel.error.hasPrefix("Error: \(pixelFolder.path): "), "\(pixel.error)")
        #expect(Self.lines(pixel.error) == 1)
    }

    static func lines(_ text: String) -> Int { text.split(separator: "\n").count }
}
