import Foundation
import MedadVolumes
import Testing
import MedadTestSupport

/// The folders source as a researcher uses it for slice data (BraTS-style): a pool of 2D slices stored
/// as depth-1 volumes, a labelled MOOD toy-layout folder of which `label_ratio` is revealed, and
/// validation and test folders, trained and evaluated through the CLI.
@Suite struct FolderSourceTests {
    @Test func labelledFractionAndDepthOneSlicesTrainAndEvaluate() throws {
        let temp = try TemporaryFolder()
        let volumes = try temp.folder("volumes"), slices = try temp.folder("slices")
        try MOODRoundTripTests.medad(["data", "phantom", "--out", volumes.path, "--count", "10", "--size", "16", "--seed", "2"])
        // Every phantom becomes one mid-depth axial slice, stored as a 16×16×1 volume.
        for name in try MOODRoundTripTests.names(volumes) where name.hasSuffix(".nii.gz") {
            let (volume, _) = try Nifti.read(volumes.appendingPathComponent(name))
            let plane = volume.dims[0] * volume.dims[1], middle = volume.dims[2] / 2
            let slice = Volume(dims: [volume.dims[0], volume.dims[1], 1], spacing: volume.spacing,
                               voxels: Array(volume.voxels[(middle * plane)..<((middle + 1) * plane)]))
            try Nifti.write(slice, to: slices.appendingPathComponent(name))
        }
        let labelled = temp.url.appendingPathComponent("labelled"), test = temp.url.appendingPathComponent("test")
        for (folder, seed) in [(labelled, "3"), (test, "4")] {
            try MOODRoundTripTests.medad(["data", "anomalies", "--in", slices.path, "--out", folder.path,
                                          "--types", "sphere,noise", "--fraction", "0.5", "--seed", seed])
        }
        let config = temp.url.appendingPathComponent("slices.json")
        try """
        {"name": "slices", "backbone": "cnn-s", "method": {"name": "semi"},
         "data": {"source": "folders", "size": 16, "axis": 2, "label_ratio": 0.5,
                  "folders": {"train": "\(slices.path)", "labelled": "\(labelled.path)", "val": "\(test.path)", "test": "\(test.path)"}},
         "train": {"steps": 3, "batch": 4, "warmup": 0, "val_every": 3},
         "eval": {"bootstrap": 10}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let run = temp.url.appendingPathComponent("run")
        try MOODRoundTripTests.medad(["train", "--config", config.path, "--out", run.path])

        // Half of the 10 labelled cases are revealed, by a seeded draw recorded in the manifest.
        let manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: run.appendingPathComponent("manifest.json"))) as? [String: Any])
        let revealed = try #require(manifest["labelled_revealed"] as? [String])
        #expect(revealed.count == 5 && Set(revealed).count == 5 && revealed.allSatisfy { $0.hasPrefix(labelled.path) })
        #expect((manifest["train"] as? [String])?.count == 10)

        let printed = try MOODRoundTripTests.medad(["evaluate", "--run", run.path, "--json"])
        let result = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
        let sample = try #require(result["sample"] as? [String: Any]), pixel = try #require(result["pixel"] as? [String: Any])
        #expect(sample["cases"] as? Int == 10 && pixel["cases"] as? Int == 10)
        for metrics in [sample, pixel] {
            let ap = try #require(metrics["ap"] as? Double)
            #expect((0...1).contains(ap))
        }
        #expect(result["uses_labels"] as? Bool == true)
        // The test folder's parent names the test set (data/realdev-folds/fold-<k>/test gives fold-<k>).
        #expect(result["test_name"] as? String == temp.url.lastPathComponent)
        #expect((result["test_set"] as? String)?.count == 8)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("pixel-counts.json").path))

        // Paired tests through the CLI: against itself nothing differs; a folder that is no run is one error line.
        let summary = try MOODRoundTripTests.medad(["evaluate", "--run", run.path, "--versus", run.path])
        #expect(summary.contains("versus semi") && summary.contains("pixel AP difference 0.000"))
        let refused = try runProcess(MOODRoundTripTests.medad, ["evaluate", "--run", run.path, "--versus", slices.path])
        #expect(refused.status != 0)
        #expect(refused.error.contains("--versus \(slices.path): not a run directory"))
        #expect(refused.error.split(separator: "\n").count == 1)
    }
}
