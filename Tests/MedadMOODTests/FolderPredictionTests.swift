import Foundation
import MedadMetrics
import MedadMOOD
import MedadSupport
import MedadVolumes
import Testing
import MedadTestSupport

@Suite struct FolderPredictionTests {
    /// A stand-in model: map = 2·v − 0.5 (so clipping shows), score = the volume's mean plus `scoreOffset`.
    static func scoring(scoreOffset: Double = 0) -> VolumeScoring {
        { volume in
            var map = volume
            for i in map.voxels.indices { map.voxels[i] = 2 * map.voxels[i] - 0.5 }
            let mean = volume.voxels.reduce(0, +) / Float(volume.count)
            return (map, Double(mean) + scoreOffset)
        }
    }

    /// Three inputs with a non-trivial affine, a corrupt one, and a file that is not .nii.gz.
    static func inputFolder(_ temp: TemporaryFolder) throws -> URL {
        let input = try temp.folder("in")
        for c in 0..<3 {
            let voxels = (0..<60).map { Float(($0 * (c + 3)) % 11) / 10 }
            try Nifti.write(Volume(dims: [5, 4, 3], spacing: [1.5, 2, 3.25], voxels: voxels),
                            to: input.appendingPathComponent("case\(c).nii.gz"))
        }
        try Data("not a nifti file at all".utf8).write(to: input.appendingPathComponent("broken.nii.gz"))
        try Data("notes".utf8).write(to: input.appendingPathComponent("notes.txt"))
        return input
    }

    @Test func pixelMapsKeepTheInputHeaderAndAreClipped() throws {
        let temp = try TemporaryFolder()
        let input = try Self.inputFolder(temp), output = temp.url.appendingPathComponent("out/pixel")
        var outcomes: [PredictionOutcome] = []
        let result = try MOODPrediction.predictFolder(input: input, output: output, task: .pixel,
                                                      scoring: Self.scoring()) { outcomes.append($0) }
        #expect(result.inputs == 4)
        #expect(result.failures.map(\.name) == ["broken.nii.gz"])
        #expect(result.failures[0].reason.contains("broken.nii.gz"))
        #expect(outcomes.count == 4)
        if case .failed(let name, _) = outcomes[0] { #expect(name == "broken.nii.gz") } else { Issue.record("broken first") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
                == ["case0.nii.gz", "case1.nii.gz", "case2.nii.gz"])
        for c in 0..<3 {
            let (source, sourceHeader) = try Nifti.read(input.appendingPathComponent("case\(c).nii.gz"))
            let (map, header) = try Nifti.read(output.appendingPathComponent("case\(c).nii.gz"))
            #expect(header.dims == sourceHeader.dims && header.spacing == sourceHeader.spacing)
            #expect(header.qform == sourceHeader.qform && header.sform == sourceHeader.sform)
            #expect(header.datatype == .float32)
            let expected = source.voxels.map { min(max(2 * $0 - 0.5, 0), 1) }
            #expect(map.voxels == expected)
        }
    }

    @Test func sampleScoresAreOneClippedNumberPerFile() throws {
        let temp = try TemporaryFolder()
        let input = try Self.inputFolder(temp), output = try temp.folder("out")
        let result = try MOODPrediction.predictFolder(input: input, output: output, task: .sample,
                                                      scoring: Self.scoring(scoreOffset: 0.6))
        #expect(result.failures.count == 1)
        for c in 0..<3 {
            let volume = try Nifti.read(input.appendingPathComponent("case\(c).nii.gz")).volume
            let mean = Double(volume.voxels.reduce(0, +) / Float(volume.count))
            let text = try String(contentsOf: output.appendingPathComponent("case\(c).nii.gz.txt"), encoding: .utf8)
            #expect(text == "\(min(mean + 0.6, 1))\n")
        }
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("broken.nii.gz.txt").path))
    }

    @Test func aModelErrorFailsOnlyItsFile() throws {
        let temp = try TemporaryFolder()
        let input = try Self.inputFolder(temp), output = try temp.folder("out")
        let result = try MOODPrediction.predictFolder(input: input, output: output, task: .sample) { volume in
            if volume.voxels[1] == 0.3 { throw MedadError("model refused") }   // case0: voxel 1 is 3/10
            if volume.voxels[1] == 0.4 { return (volume, .nan) }               // case1
            return (volume, 0.5)
        }
        #expect(result.failures.map(\.name) == ["broken.nii.gz", "case0.nii.gz", "case1.nii.gz"])
        #expect(result.failures[1].reason == "model refused")
        #expect(result.failures[2].reason.contains("non-finite volume score"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path) == ["case2.nii.gz.txt"])
    }

    @Test func aMapOfTheWrongShapeOrWithNaNIsThatFilesFailure() throws {
        let temp = try TemporaryFolder()
        let input = try Self.inputFolder(temp), output = try temp.folder("out")
        let result = try MOODPrediction.predictFolder(input: input, output: output, task: .pixel) { volume in
            if volume.voxels[1] == 0.3 { return (Volume(dims: [2, 2, 2], filledWith: 0), 0) }
            var map = volume
            map.voxels[7] = .nan
            return (map, 0)
        }
        #expect(result.failures.count == 4)
        #expect(result.failures[1].reason.contains("dims [2, 2, 2]"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
    }

    @Test func folderProblemsThrow() throws {
        let temp = try TemporaryFolder()
        let input = try Self.inputFolder(temp), empty = try temp.folder("empty")
        #expect(throws: MedadError.self) {
            try MOODPrediction.predictFolder(input: empty, output: temp.url, task: .sample, scoring: Self.scoring())
        }
        #expect(throws: MedadError.self) {
            try MOODPrediction.predictFolder(input: temp.url.appendingPathComponent("missing"), output: temp.url,
                                             task: .sample, scoring: Self.scoring())
        }
        // Pixel maps into the input folder would overwrite the inputs.
        let same = input.appendingPathComponent("../in/")
        #expect(throws: MedadError.self) {
            try MOODPrediction.predictFolder(input: input, output: same, task: .pixel, scoring: Self.scoring())
        }
        #expect(MOODPrediction.outputURL(of: input.appendingPathComponent("a.nii.gz"), task: .sample, in: temp.url)
                .lastPathComponent == "a.nii.gz.txt")
    }
}
