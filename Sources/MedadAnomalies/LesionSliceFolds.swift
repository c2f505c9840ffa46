import Foundation
import MedadSupport
import MedadVolumes

/// Real lesion volumes cut into slices the BMAD / MedIAnomaly way, as leave-one-volume-out folds in
/// the layout `data.source: folders` reads:
///
///     OUT/fold-<k>/train/<vol>_z<i>.nii.gz        lesion-free slices of the other volumes (the pool)
///     OUT/fold-<k>/labelled/{toy,toy_label}/…     lesion slices of the other volumes (label_ratio reveals a share)
///     OUT/fold-<k>/val/{toy,toy_label}/…          every 4th lesion-free and every 4th lesion slice of the other volumes
///     OUT/fold-<k>/test/{toy,toy_label}/…         every kept slice of volume k
///
/// Each volume is normalised once (0.5–99.5th percentiles of its head mask, as `data.preset: mri` does
/// per volume; per slice the lesion would move them), so configs read the slices with `data.preset: none`.
/// Slices are padded to a square and resampled to `size`. A slice is normal when no lesion voxel lies
/// within `margin` slices of it; lesion-free slices closer than that are left out, as they may hold
/// unlabelled lesion tissue. Slices whose head mask covers less than `minTissue` of the slice are left out.
public struct LesionSliceFolds {
    public struct Case {
        public var name: String
        public var image: URL
        public var mask: URL
        public init(name: String, image: URL, mask: URL) { (self.name, self.image, self.mask) = (name, image, mask) }
    }

    public var size = 128
    public var axis = 2
    public var margin = 3
    public var minTissue = 0.1
    /// Every `validationStride`-th slice of each kind in the training volumes goes to validation.
    public var validationStride = 4

    public init() {}

    /// A volume's kept slices at model size: image, lesion mask and whether it counts as anomalous.
    struct Slice {
        var name: String
        var image: Volume
        var mask: Volume
        var anomalous: Bool
    }

    /// Summary per fold: counts of slices written to each folder.
    public struct FoldCounts: Codable, Equatable {
        public var test: String
        public var train: Int
        public var labelled: Int
        public var validation: Int
        public var testNormal: Int
        public var testAnomalous: Int
    }

    @discardableResult
    public func write(_ cases: [Case], to output: URL) throws -> [FoldCounts] {
        guard cases.count >= 2 else { throw MedadError("leave-one-volume-out needs at least two volumes, got \(cases.count)") }
        guard Set(cases.map(\.name)).count == cases.count else { throw MedadError("volume names must differ: \(cases.map(\.name))") }
        let sliced = try cases.map(slices)
        var counts: [FoldCounts] = []
        for (k, testCase) in cases.enumerated() {
            let fold = output.appendingPathComponent("fold-\(k)")
            var train: [Slice] = [], labelled: [Slice] = [], validation: [Slice] = []
            for (j, volume) in sliced.enumerated() where j != k {
                for (rank, slice) in volume.filter({ !$0.anomalous }).enumerated() {
                    if rank % validationStride == validationStride - 1 { validation.append(slice) } else { train.append(slice) }
                }
                for (rank, slice) in volume.filter(\.anomalous).enumerated() {
                    if rank % validationStride == validationStride - 1 { validation.append(slice) } else { labelled.append(slice) }
                }
            }
            for slice in train {
                try Nifti.write(slice.image, to: fold.appendingPathComponent("train/\(slice.name).nii.gz"))
            }
            try Self.writeToyLayout(labelled, to: fold.appendingPathComponent("labelled"))
            try Self.writeToyLayout(validation, to: fold.appendingPathComponent("val"))
            try Self.writeToyLayout(sliced[k], to: fold.appendingPathComponent("test"))
            counts.append(FoldCounts(test: testCase.name, train: train.count, labelled: labelled.count, validation: validation.count,
                                     testNormal: sliced[k].filter { !$0.anomalous }.count,
                                     testAnomalous: sliced[k].filter(\.anomalous).count))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(counts), to: output.appendingPathComponent("folds.json"))
        return counts
    }

    func slices(of item: Case) throws -> [Slice] {
        let raw = try Nifti.read(item.image).volume
        let labels = try Nifti.read(item.mask).volume
        guard labels.dims == raw.dims else {
            throw MedadError("\(item.mask.path): mask dims \(labels.dims) differ from the image's \(raw.dims)")
        }
        guard raw.dims[axis] > 1 else { throw MedadError("\(item.image.path): a single slice along axis \(axis); give a volume") }
        let head = Preprocess.headMask(raw)
        let image = Preprocess.normalizePercentiles(raw, mask: head)
        // Any label counts as lesion; holes are filled slice by slice (BraTS edema masks leave the core unlabelled).
        var lesion = labels
        lesion.voxels = labels.voxels.map { $0 > 0 ? 1 : 0 }
        let depth = raw.dims[axis]
        let lesionSlices = (0..<depth).map { Slicing.slice(lesion, axis: axis, index: $0) }.map(Preprocess.filledHolesInPlane)
        let hasLesion = lesionSlices.map { $0.voxels.contains(1) }
        var kept: [Slice] = []
        for index in 0..<depth {
            let tissue = Slicing.slice(head, axis: axis, index: index).voxels.reduce(0, +)
            guard Double(tissue) >= minTissue * Double(lesionSlices[index].count) else { continue }
            let nearLesion = (max(0, index - margin)...min(depth - 1, index + margin)).contains { hasLesion[$0] }
            let mask = square(lesionSlices[index], nearest: true)
            // A lesion too small to survive resampling would leave a sample label without a pixel mask.
            let anomalous = mask.voxels.contains(1)
            guard anomalous || !nearLesion else { continue }
            kept.append(Slice(name: item.name + "_z" + String(format: "%03d", index),
                              image: square(Slicing.slice(image, axis: axis, index: index), nearest: false),
                              mask: mask, anomalous: anomalous))
        }
        guard kept.contains(where: \.anomalous), kept.contains(where: { !$0.anomalous }) else {
            throw MedadError("\(item.image.path): needs both lesion slices and lesion-free slices (margin \(margin)); found \(kept.filter(\.anomalous).count) and \(kept.filter { !$0.anomalous }.count)")
        }
        return kept
    }

    /// A slice zero-padded to a centred square, then resampled to size × size.
    func square(_ slice: Volume, nearest: Bool) -> Volume {
        let (w, h) = (slice.dims[0], slice.dims[1]), side = max(w, h)
        var padded = Volume(dims: [side, side, 1], spacing: slice.spacing, filledWith: 0)
        let (x0, y0) = ((side - w) / 2, (side - h) / 2)
        for y in 0..<h {
            for x in 0..<w { padded.voxels[(x + x0) + side * (y + y0)] = slice.voxels[x + w * y] }
        }
        return Preprocess.resample(padded, to: [size, size, 1], interpolation: nearest ? .nearest : .linear)
    }

    static func writeToyLayout(_ slices: [Slice], to root: URL) throws {
        for slice in slices {
            let file = slice.name + ".nii.gz"
            try Nifti.write(slice.image, to: root.appendingPathComponent("toy/\(file)"))
            try Nifti.write(slice.mask, to: root.appendingPathComponent("toy_label/pixel/\(file)"), datatype: .uint8)
            try AtomicFile.write(slice.anomalous ? "1" : "0", to: root.appendingPathComponent("toy_label/sample/\(file).txt"))
        }
    }
}
