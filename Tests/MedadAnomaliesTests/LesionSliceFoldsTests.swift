import Foundation
import MedadAnomalies
import MedadSupport
import MedadVolumes
import Testing

/// Leave-one-volume-out slice folds of real lesion volumes, on small synthetic volumes whose lesion
/// slices are known.
@Suite struct LesionSliceFoldsTests {
    /// A 20×16×24 "head" (an ellipse in every slice from z 2 to 21) with a lesion in slices `lesion`;
    /// the mask carries label 2 and a hole in its middle slice, as BraTS edema masks do.
    static func write(_ name: String, lesion: ClosedRange<Int>, to folder: URL) throws -> LesionSliceFolds.Case {
        var image = Volume(dims: [20, 16, 24], filledWith: 0), mask = image
        for z in 2...21 {
            for y in 0..<16 {
                for x in 0..<20 {
                    let (u, v) = ((Double(x) - 9.5) / 9, (Double(y) - 7.5) / 7)
                    guard u * u + v * v <= 1 else { continue }
                    image.voxels[image.index(x, y, z)] = 100 + Float(x + y)
                    if lesion.contains(z), (7...12).contains(x), (5...10).contains(y) {
                        let hole = z == (lesion.lowerBound + lesion.upperBound) / 2 && (9...10).contains(x) && (7...8).contains(y)
                        mask.voxels[mask.index(x, y, z)] = hole ? 0 : 2
                    }
                }
            }
        }
        let item = LesionSliceFolds.Case(name: name, image: folder.appendingPathComponent("\(name).nii.gz"),
                                         mask: folder.appendingPathComponent("\(name)_mask.nii.gz"))
        try Nifti.write(image, to: item.image)
        try Nifti.write(mask, to: item.mask, datatype: .uint8)
        return item
    }

    static func names(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".nii.gz") }.sorted()
    }

    @Test func foldsSplitSlicesByLesionWithAMargin() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("medad-folds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cases = [try Self.write("a", lesion: 8...11, to: root), try Self.write("b", lesion: 14...16, to: root)]
        var folds = LesionSliceFolds()
        folds.size = 16
        folds.margin = 2
        let counts = try folds.write(cases, to: root.appendingPathComponent("out"))

        // Volume a: tissue in z 2...21 (20 slices); lesion 8...11 (4); normal: z not within 2 of a lesion,
        // so 2...5 and 14...21 (12); 6, 7, 12, 13 are left out.
        // Fold 0 trains on volume b: 13 normal slices (2...11, 19...21), every 4th to validation; 3 lesion slices.
        #expect(counts[0].test == "a" && counts[0].testNormal == 12 && counts[0].testAnomalous == 4)
        #expect(counts[0].train == 10 && counts[0].validation == 3 && counts[0].labelled == 3)
        let fold0 = root.appendingPathComponent("out/fold-0")
        let test = Self.names(fold0.appendingPathComponent("test/toy"))
        #expect(test.count == 16 && test.allSatisfy { $0.hasPrefix("a_z") })
        #expect(!test.contains("a_z006.nii.gz") && !test.contains("a_z013.nii.gz") && test.contains("a_z005.nii.gz"))
        for name in test {
            let z = Int(name.dropFirst(3).prefix(3))!
            let sample = try String(contentsOf: fold0.appendingPathComponent("test/toy_label/sample/\(name).txt"), encoding: .utf8)
            let mask = try Nifti.read(fold0.appendingPathComponent("test/toy_label/pixel/\(name)")).volume
            let slice = try Nifti.read(fold0.appendingPathComponent("test/toy/\(name)")).volume
            #expect(slice.dims == [16, 16, 1] && mask.dims == [16, 16, 1])
            #expect(sample == ((8...11).contains(z) ? "1" : "0"), "\(name)")
            #expect(mask.voxels.contains(1) == (sample == "1") && mask.voxels.allSatisfy { $0 == 0 || $0 == 1 })
            // Intensities are the volume's head percentiles scaled to [0, 1].
            #expect(slice.voxels.allSatisfy { (0...1).contains($0) })
        }
        // The hole in the middle lesion slice is filled: the mask there is solid.
        let middle = try Nifti.read(fold0.appendingPathComponent("test/toy_label/pixel/a_z009.nii.gz")).volume
        let filled = try Nifti.read(fold0.appendingPathComponent("test/toy_label/pixel/a_z008.nii.gz")).volume
        #expect(middle.voxels.reduce(0, +) == filled.voxels.reduce(0, +))
        // Fold 0 trains on volume b only: its normal slices in the pool, every 4th in validation.
        let pool = Self.names(fold0.appendingPathComponent("train"))
        let validation = Self.names(fold0.appendingPathComponent("val/toy"))
        #expect(pool.allSatisfy { $0.hasPrefix("b_z") } && validation.allSatisfy { $0.hasPrefix("b_z") })
        #expect(Set(pool).isDisjoint(with: validation))
        #expect(Self.names(fold0.appendingPathComponent("labelled/toy")) == ["b_z014.nii.gz", "b_z015.nii.gz", "b_z016.nii.gz"])
        let json = try Data(contentsOf: root.appendingPathComponent("out/folds.json"))
        #expect(try JSONDecoder().decode([LesionSliceFolds.FoldCounts].self, from: json) == counts)
    }

    @Test func aVolumeWithoutNormalSlicesIsRefusedByName() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("medad-folds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cases = [try Self.write("a", lesion: 2...21, to: root), try Self.write("b", lesion: 8...9, to: root)]
        let error = #expect(throws: MedadError.self) { try LesionSliceFolds().write(cases, to: root.appendingPathComponent("out")) }
        #expect(error?.message.contains("a.nii.gz: needs both lesion slices and lesion-free slices") == true)
        #expect(throws: MedadError.self) { try LesionSliceFolds().write([cases[1]], to: root.appendingPathComponent("out")) }
    }
}
