import Foundation
import MedadVolumes
import Testing
import MedadTestSupport

@Suite struct PhantomTests {
    @Test func deterministicPerSeedAndIndex() {
        let a = Phantom.brain(size: 24, seed: 3, index: 1)
        let b = Phantom.brain(size: 24, seed: 3, index: 1)
        #expect(a.image.voxels == b.image.voxels && a.labels.voxels == b.labels.voxels)
        #expect(Phantom.brain(size: 24, seed: 4, index: 1).image.voxels != a.image.voxels)
        #expect(Phantom.brain(size: 24, seed: 3, index: 2).image.voxels != a.image.voxels)
    }

    @Test func hasBrainAnatomyWithT1Contrast() {
        let (image, labels) = Phantom.brain(size: 48, seed: 0, index: 0)
        #expect(image.dims == [48, 48, 48] && image.spacing == [5, 5, 5])
        #expect(labels.voxels[0] == Float(Phantom.Tissue.background.rawValue))
        var sums = [Double](repeating: 0, count: 8), counts = [Double](repeating: 0, count: 8)
        for (value, label) in zip(image.voxels, labels.voxels) {
            sums[Int(label)] += Double(value)
            counts[Int(label)] += 1
        }
        #expect(counts.allSatisfy { $0 > 0 }, "every tissue is present: \(counts)")
        let mean = (0..<8).map { sums[$0] / counts[$0] }
        let (csf, grey, white) = (mean[Phantom.Tissue.csf.rawValue], mean[Phantom.Tissue.greyMatter.rawValue],
                                  mean[Phantom.Tissue.whiteMatter.rawValue])
        #expect(white > grey && grey > csf && csf > mean[Phantom.Tissue.background.rawValue])
        #expect(image.voxels.allSatisfy { $0.isFinite && $0 >= 0 })
    }

    @Test func writtenFilesHoldTheSamePhantoms() throws {
        let folder = try TemporaryFolder()
        let files = try Phantom.write(to: folder.url, count: 3, size: 16, seed: 9, threads: 2)
        #expect(files.map(\.lastPathComponent) == ["phantom_000.nii.gz", "phantom_001.nii.gz", "phantom_002.nii.gz"])
        for (index, file) in files.enumerated() {
            let (volume, header) = try Nifti.read(file)
            #expect(volume.voxels == Phantom.brain(size: 16, seed: 9, index: index).image.voxels)
            #expect(header.datatype == .float32 && header.spacing == [15, 15, 15])
        }
    }
}
