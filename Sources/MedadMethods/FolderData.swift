import Foundation
import MedadConfig
import MedadSupport
import MedadVolumes

/// The folders source for real data: `train` is a folder of volumes (the unlabelled pool, which may
/// hold unlabelled anomalies); `labelled`, `val` and `test` use the MOOD toy layout. A seeded draw
/// reveals `label_ratio` of `labelled`. Slices stored as depth-1 volumes are valid input.
struct FolderData {
    let config: RunConfig
    let pool: VolumeFolder
    let labelled: [MoodCase]
    let validationCases: [MoodCase]
    let test: [MoodCase]

    /// Volume-sized float32 arrays held while one training volume is sliced (raw, head mask, normalised):
    /// `medad train` with a 256³ volume in its pool peaked 3.0 × 64 MiB above the same run on 32³ volumes.
    static let poolCopies = 3
    /// An evaluation case keeps its image, mask and head mask, and reading it holds the raw volume too.
    static let evaluationCopies = 4

    init(config: RunConfig, source: String) throws {
        self.config = config
        guard let folders = config.data.folders else { throw MedadError("\(source): data.folders: missing") }
        pool = try VolumeFolder(URL(fileURLWithPath: folders.train), cacheBytes: 0, workingCopies: Self.poolCopies)
        if let labelledRoot = folders.labelled, config.data.labelRatio > 0 {
            let all = try MoodToySet.cases(root: URL(fileURLWithPath: labelledRoot))
            var random = SeededRandom(seed: config.seed).split(7)
            var order = Array(all.indices)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(i + 1)) }
            let revealed = Int((config.data.labelRatio * Double(all.count)).rounded())
            labelled = order.prefix(revealed).sorted().map { all[$0] }
        } else {
            labelled = []
        }
        validationCases = try MoodToySet.cases(root: URL(fileURLWithPath: folders.val))
        test = try MoodToySet.cases(root: URL(fileURLWithPath: folders.test))
        for item in validationCases + test where item.sampleLabel == nil && item.pixelLabel == nil {
            throw MedadError("\(item.image.path): evaluation case without a sample or pixel label")
        }
    }

    /// The files and revealed labels: what `manifest.json` records and its hash identifies.
    var manifest: JSONValue {
        func names(_ cases: [MoodCase]) -> JSONValue { .array(cases.map { .string($0.image.path) }) }
        return .object(JSONObject([
            ("source", .string("folders")),
            ("train", .array(pool.files.map { .string($0.path) })),
            ("labelled_revealed", names(labelled)), ("validation", names(validationCases)), ("test", names(test)),
            ("masks", .bool(config.data.masks)),
        ]))
    }

    func trainingSlices() throws -> [TrainingSlice] {
        var slices: [TrainingSlice] = []
        for index in 0..<pool.count {
            let raw = try pool.load(index).volume
            let brain = Preprocess.headMask(raw)
            try RunData.samples(of: config.data.preset.apply(raw, foreground: brain), mask: nil, brain: brain, label: nil,
                               config: config.data, into: &slices)
        }
        for item in labelled {
            let case_ = try volume(of: item)
            try RunData.samples(of: case_.image, mask: config.data.masks || case_.label == 0 ? case_.mask : nil,
                               brain: case_.brain, label: case_.label, config: config.data, into: &slices)
        }
        return slices
    }

    func validation() throws -> [EvaluationVolume] { try validationCases.map(volume) }

    func volume(of item: MoodCase) throws -> EvaluationVolume {
        let raw = try Nifti.read(item.image, workingCopies: Self.evaluationCopies).volume
        let brain = Preprocess.headMask(raw)
        let image = config.data.preset.apply(raw, foreground: brain)
        var mask = Volume(dims: image.dims, spacing: image.spacing, filledWith: 0)
        if let url = item.pixelLabel {
            let read = try Nifti.read(url).volume
            guard read.dims == image.dims else {
                throw MedadError("\(url.path): mask dims \(read.dims) differ from the image's \(image.dims)")
            }
            mask.voxels = read.voxels.map { $0 >= 0.5 ? 1 : 0 }
        } else if item.sampleLabel == 1 {
            throw MedadError("\(item.image.path): anomalous case without a voxel mask (toy_label/pixel)")
        }
        return EvaluationVolume(name: item.name, image: image, mask: mask, brain: brain, type: nil, seen: nil)
    }
}
