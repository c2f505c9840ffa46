import Foundation
import MedadVolumes
import Testing
import MedadTestSupport

@Suite struct PhantomTests {
    typealias Tissue = Phantom.Tissue

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
        #expect(labels.voxels[0] == Float(Tissue.background.rawValue))
        #expect(image.voxels.allSatisfy { $0.isFinite && $0 >= 0 })
    }

    @Test(arguments: 0..<4) func everyTissueInTheMidSliceWithT1Ordering(index: Int) {
        let n = 64
        let (image, labels) = Phantom.brain(size: n, seed: 1, index: index)
        let slice = (n * n * (n / 2))..<(n * n * (n / 2 + 1))
        let present = Set(labels.voxels[slice].map { Int($0) })
        #expect(present == Set(Tissue.allCases.map(\.rawValue)), "tissues in the axial mid slice: \(present.sorted())")
        var sums = [Double](repeating: 0, count: 8), counts = [Double](repeating: 0, count: 8)
        for (value, label) in zip(image.voxels, labels.voxels) {
            sums[Int(label)] += Double(value)
            counts[Int(label)] += 1
        }
        let mean = (0..<8).map { sums[$0] / counts[$0] }
        func of(_ tissue: Tissue) -> Double { mean[tissue.rawValue] }
        #expect(of(.whiteMatter) > of(.deepGrey) && of(.deepGrey) > of(.greyMatter) && of(.greyMatter) > of(.csf)
                && of(.csf) > of(.background), "mean intensity per tissue: \(mean)")
        #expect(of(.ventricle) < of(.greyMatter))
    }

    @Test func greyMatterIsARibbonAlongTheCSF() {
        let n = 64
        let labels = Self.labels(Phantom.brain(size: n, seed: 2, index: 0).labels)
        let count = { (tissue: Tissue) in labels.filter { $0 == tissue.rawValue }.count }
        let share = Double(count(.greyMatter)) / Double(count(.greyMatter) + count(.whiteMatter) + count(.deepGrey))
        #expect((0.35...0.6).contains(share), "cortical grey matter share of the brain tissue: \(share)")
        // Constant thickness following the folds: nearly every cortical voxel is within two voxels of CSF.
        let nearCSF = Self.within(2, of: [.csf], in: labels, n: n)
        let grey = labels.indices.filter { labels[$0] == Tissue.greyMatter.rawValue }
        let ribbon = Double(grey.filter { nearCSF[$0] }.count) / Double(grey.count)
        #expect(ribbon > 0.95, "share of grey matter within two voxels of CSF: \(ribbon)")
    }

    @Test func sulciCutThroughTheCortexIntoWhiteMatter() {
        let n = 64
        let labels = Self.labels(Phantom.brain(size: n, seed: 2, index: 1).labels)
        let depth = Self.depthInsideSkull(labels, n: n)
        let nearWhite = Self.within(2, of: [.whiteMatter], in: labels, n: n)
        // Sulcal CSF off the midline (the fissure is tested on its own), 15 mm or more below the inner
        // skull surface: deeper than the extra-cerebral CSF and a cortical ribbon together.
        let deep = labels.indices.filter { i in
            labels[i] == Tissue.csf.rawValue && depth[i] >= 4 && abs(i % n - n / 2) > 3
        }
        #expect(deep.count > 300, "deep sulcal CSF voxels: \(deep.count)")
        let flanked = deep.filter { Self.flankedByGrey($0, labels: labels, n: n) }
        #expect(Double(flanked.count) > 0.6 * Double(deep.count), "deep CSF between grey walls: \(flanked.count) of \(deep.count)")
        #expect(Double(deep.filter { nearWhite[$0] }.count) > 0.5 * Double(deep.count), "deep CSF reaching white matter")
    }

    @Test func interhemisphericFissureSplitsTheFrontAndBack() {
        let n = 64
        let labels = Self.labels(Phantom.brain(size: n, seed: 2, index: 2).labels)
        let z = n / 2
        var split = 0, rows = 0
        for y in Array(8..<14) + Array((n - 14)..<(n - 8)) {
            let row = (0..<n).map { labels[$0 + n * (y + n * z)] }
            guard row.contains(Tissue.greyMatter.rawValue) else { continue }
            rows += 1
            if ((n / 2 - 4)...(n / 2 + 3)).contains(where: { row[$0] == Tissue.csf.rawValue }) { split += 1 }
        }
        #expect(rows >= 6 && split == rows, "rows with midline CSF: \(split) of \(rows)")
    }

    @Test func ventricleVolumeVariesAcrossSubjects() {
        let volumes = (0..<8).map { index in
            Phantom.brain(size: 48, seed: 5, index: index).labels.voxels.filter { $0 == Float(Tissue.ventricle.rawValue) }.count
        }
        #expect(volumes.allSatisfy { $0 > 0 })
        #expect(Double(volumes.max()!) > 1.8 * Double(volumes.min()!), "ventricle voxels per subject: \(volumes)")
    }

    @Test func brainMaskIsTheFilledIntracranialSpace() {
        let n = 48
        let labels = Phantom.brain(size: n, seed: 6, index: 0).labels
        let mask = Phantom.brainMask(labels)
        let share = Double(mask.reduce(0) { $0 + Int($1) }) / Double(mask.count)
        #expect((0.12...0.4).contains(share), "intracranial share of the volume: \(share)")
        // Sulci and fissures are CSF, inside the mask: every row of the mask is one unbroken run.
        for row in stride(from: 0, to: mask.count, by: n) {
            let inside = (0..<n).filter { mask[row + $0] == 1 }
            if let first = inside.first, let last = inside.last { #expect(inside.count == last - first + 1) }
        }
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

    // MARK: - Label geometry

    static func labels(_ volume: Volume) -> [Int] { volume.voxels.map { Int($0) } }

    static func neighbours(_ i: Int, n: Int) -> [Int] {
        let (x, y, z) = (i % n, i / n % n, i / (n * n))
        var out: [Int] = []
        if x > 0 { out.append(i - 1) }
        if x < n - 1 { out.append(i + 1) }
        if y > 0 { out.append(i - n) }
        if y < n - 1 { out.append(i + n) }
        if z > 0 { out.append(i - n * n) }
        if z < n - 1 { out.append(i + n * n) }
        return out
    }

    /// City-block distance in voxels from outside the brain mask (labels below CSF), by breadth-first search.
    static func depthInsideSkull(_ labels: [Int], n: Int) -> [Int] {
        var depth = labels.map { $0 < Tissue.csf.rawValue ? 0 : Int.max }
        var frontier = depth.indices.filter { depth[$0] == 0 }
        var level = 0
        while !frontier.isEmpty {
            level += 1
            var next: [Int] = []
            for i in frontier {
                for j in neighbours(i, n: n) where depth[j] == Int.max {
                    depth[j] = level
                    next.append(j)
                }
            }
            frontier = next
        }
        return depth
    }

    /// Whether each voxel is within `radius` city-block steps of one of `tissues`.
    static func within(_ radius: Int, of tissues: Set<Tissue>, in labels: [Int], n: Int) -> [Bool] {
        let codes = Set(tissues.map(\.rawValue))
        var near = labels.map { codes.contains($0) }
        var frontier = near.indices.filter { near[$0] }
        for _ in 0..<radius {
            var next: [Int] = []
            for i in frontier {
                for j in neighbours(i, n: n) where !near[j] {
                    near[j] = true
                    next.append(j)
                }
            }
            frontier = next
        }
        return near
    }

    /// Grey matter within three voxels on both sides of voxel i along some axis: CSF in a sulcus.
    static func flankedByGrey(_ i: Int, labels: [Int], n: Int) -> Bool {
        let (x, y, z) = (i % n, i / n % n, i / (n * n))
        let grey = Tissue.greyMatter.rawValue
        for (axis, stride) in [(x, 1), (y, n), (z, n * n)] {
            let before = (1...3).contains { axis - $0 >= 0 && labels[i - $0 * stride] == grey }
            let after = (1...3).contains { axis + $0 < n && labels[i + $0 * stride] == grey }
            if before && after { return true }
        }
        return false
    }
}
