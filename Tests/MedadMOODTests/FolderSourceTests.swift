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

    /// Real lesion volumes as the CLI user slices them: `data folds`, then a run on `{"folds", "fold"}`
    /// with `preset: none`, which records which fold it was tested on.
    @Test func lesionVolumesBecomeFoldsThatTrainAndEvaluate() throws {
        let temp = try TemporaryFolder()
        var cases: [String] = []
        for (index, name) in ["one", "two"].enumerated() {
            let (image, labels) = Phantom.brain(size: 24, seed: 5, index: index)
            var lesion = labels
            // A "lesion" of white matter in slices 10-13, as a mask would mark it.
            lesion.voxels = labels.voxels.indices.map { i in
                let z = i / (24 * 24)
                return (10...13).contains(z) && labels.voxels[i] == Float(Phantom.Tissue.whiteMatter.rawValue) ? 1 : 0
            }
            let imageURL = temp.file("\(name).nii.gz"), maskURL = temp.file("\(name)_mask.nii.gz")
            try Nifti.write(image, to: imageURL)
            try Nifti.write(lesion, to: maskURL, datatype: .uint8)
            cases += ["--case", "\(name)=\(imageURL.path),\(maskURL.path)"]
        }
        let folds = temp.url.appendingPathComponent("folds")
        let printed = try MOODRoundTripTests.medad(["data", "folds", "--out", folds.path, "--size", "16", "--margin", "2"] + cases)
        #expect(printed.contains("test one: 4 lesion") && printed.contains("wrote 2 folds"))
        let config = temp.file("folds.json")
        try """
        {"name": "folds", "method": {"name": "supervised"},
         "data": {"source": "folders", "folders": {"folds": "\(folds.path)", "fold": 1}, "preset": "none", "size": 16,
                  "label_ratio": 1},
         "train": {"steps": 2, "batch": 4, "warmup": 0, "val_every": 2}, "eval": {"bootstrap": 10}}
        """.write(to: config, atomically: true, encoding: .utf8)
        let run = temp.url.appendingPathComponent("run")
        try MOODRoundTripTests.medad(["train", "--config", config.path, "--out", run.path])
        try MOODRoundTripTests.medad(["evaluate", "--run", run.path])
        let result = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: run.appendingPathComponent("result.json"))) as? [String: Any])
        #expect(result["test_name"] as? String == "fold-1")
        #expect((result["cases"] as? [Any])?.count ?? 0 > 4)

        // The figures are PNGs of the stated size: ten anomaly types × 32 plus gaps, two rows.
        let png = temp.file("types.png")
        try MOODRoundTripTests.medad(["data", "figure", "anomalies", "--out", png.path, "--size", "32"])
        let bytes = [UInt8](try Data(contentsOf: png))
        func be32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        #expect(bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(be32(16) == 10 * 32 + 9 * 4 && be32(20) == 2 * 32 + 4)
    }
}
