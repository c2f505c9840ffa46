import Foundation
import MedadSupport
import MedadVolumes
import Testing
import MedadTestSupport

@Suite struct SourceTests {
    @Test func folderStreamsThroughABoundedCache() throws {
        let folder = try TemporaryFolder()
        for i in 0..<5 { try Nifti.write(Volume(dims: [4, 4, 4], filledWith: Float(i)), to: folder.file("v\(i).nii.gz")) }
        try Data("notes".utf8).write(to: folder.file("readme.txt"))
        let oneVolume = 64 * MemoryLayout<Float>.stride
        let source = try VolumeFolder(folder.url, cacheBytes: 2 * oneVolume)
        #expect(source.count == 5)
        var seen: [Float] = []
        try source.forEach { index, volume, _ in
            seen.append(volume.voxels[0])
            #expect(source.residentBytes <= 2 * oneVolume)
            #expect(index == Int(volume.voxels[0]))
        }
        #expect(seen == [0, 1, 2, 3, 4] && source.residentBytes == 2 * oneVolume)
        #expect(try source.load(4).volume.voxels[0] == 4)
        #expect(throws: MedadError.self) { try VolumeFolder(folder.file("missing")) }
    }

    @Test func moodToyLayoutIsListed() throws {
        let root = try TemporaryFolder()
        let mask = Volume(dims: [2, 2, 2], filledWith: 1)
        for name in ["toy_0.nii.gz", "toy_1.nii.gz"] { try Nifti.write(mask, to: root.file("toy/\(name)")) }
        try Nifti.write(mask, to: root.file("toy_label/pixel/toy_1.nii.gz"), datatype: .uint8)
        try FileManager.default.createDirectory(at: root.file("toy_label/sample"), withIntermediateDirectories: true)
        try Data("0\n".utf8).write(to: root.file("toy_label/sample/toy_0.nii.gz.txt"))
        try Data("1".utf8).write(to: root.file("toy_label/sample/toy_1.nii.gz.txt"))
        let cases = try MoodToySet.cases(root: root.url)
        #expect(cases.map(\.name) == ["toy_0.nii.gz", "toy_1.nii.gz"])
        #expect(cases.map(\.sampleLabel) == [0, 1])
        #expect(cases[0].pixelLabel == nil && cases[1].pixelLabel?.lastPathComponent == "toy_1.nii.gz")
        try Data("maybe".utf8).write(to: root.file("toy_label/sample/toy_0.nii.gz.txt"))
        #expect(throws: MedadError.self) { try MoodToySet.cases(root: root.url) }
    }
}
