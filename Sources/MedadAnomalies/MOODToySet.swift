import Foundation
import MedadSupport
import MedadVolumes

/// One case of a generated test set, as recorded in `toy_label/anomalies.json`.
public struct ToyCase: Codable, Equatable {
    /// File name under `toy/` and `toy_label/pixel/` (e.g. "00012.nii.gz").
    public var name: String
    /// The normal input it was made from.
    public var source: String
    /// 1 exactly when `maskVoxels > 0`.
    public var label: Int
    public var maskVoxels: Int
    /// Nil for untouched cases.
    public var type: AnomalyType?
    public var severity: Double?
    /// The seed that regenerates the anomaly with `AnomalyGenerator.make(_:on:donor:seed:)`.
    public var seed: UInt64?
    /// The donor input of fpi/pii, when one was used.
    public var donor: String?
    public var parameters: [String: Double]?
}

/// Builds a test set in the MOOD challenge's toy layout from normal volumes:
///
///     OUT/toy/<name>.nii.gz                       the images, anomalous and untouched mixed
///     OUT/toy_label/pixel/<name>.nii.gz           voxel masks (1 = anomalous)
///     OUT/toy_label/sample/<name>.nii.gz.txt      "0" or "1"
///     OUT/toy_label/anomalies.json                every case's type, severity, seed and parameters
///
/// (the layout MOOD's evalresults.py and test_docker.py read). Which inputs become anomalous and of
/// which type depends on the seed only: round(fraction * n) shuffled inputs get the types in turn.
public struct MOODToySet {
    public var types: [AnomalyType]
    /// Share of the inputs made anomalous, in [0, 1].
    public var fraction: Double
    public var seed: UInt64
    public var generator: AnomalyGenerator

    public init(types: [AnomalyType] = AnomalyType.allCases, fraction: Double = 0.5, seed: UInt64 = 0,
                generator: AnomalyGenerator? = nil) throws {
        guard !types.isEmpty else { throw MedadError("--types: give at least one anomaly type") }
        guard fraction.isFinite, (0...1).contains(fraction) else {
            throw MedadError("--fraction: expected a share within 0...1, got \(fraction)")
        }
        self.types = types
        self.fraction = fraction
        self.seed = seed
        self.generator = try generator ?? AnomalyGenerator()
    }

    /// The NIfTI files (.nii, .nii.gz) directly inside `folder`, sorted by name.
    public static func inputs(in folder: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw MedadError("\(folder.path): cannot list the input folder (\(error.localizedDescription))")
        }
        let volumes = names.filter { $0.hasSuffix(".nii") || $0.hasSuffix(".nii.gz") }.sorted()
        guard !volumes.isEmpty else { throw MedadError("\(folder.path): no .nii or .nii.gz files found") }
        return volumes.map { folder.appendingPathComponent($0) }
    }

    /// The planned case of each input (without severity and mask): anomaly type and seed, or nil.
    public func plan(count: Int) -> [(type: AnomalyType, seed: UInt64)?] {
        var random = SeededRandom(seed: seed)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(i + 1)) }
        let anomalous = Int((fraction * Double(count)).rounded())
        var plan: [(type: AnomalyType, seed: UInt64)?] = Array(repeating: nil, count: count)
        for (k, index) in order.prefix(anomalous).enumerated() {
            plan[index] = (types[k % types.count], ManifestSeed.derive(seed, stream: UInt64(index)))
        }
        return plan
    }

    /// Writes the test set for `inputs` under `output` and returns its cases (also written as JSON).
    /// Anomalies are placed in and clipped to each input's brain mask, read from `masks/<input name>`
    /// when `masks` is given, else estimated (`Preprocess.headMask`).
    @discardableResult
    public func build(inputs: [URL], output: URL, store: VolumeStore, masks: URL? = nil) throws -> [ToyCase] {
        let plan = plan(count: inputs.count)
        let names = inputs.map(Self.outputName(for:))
        if let clash = Dictionary(grouping: inputs, by: Self.outputName(for:)).first(where: { $0.value.count > 1 }) {
            throw MedadError("\(clash.value[0].path): two inputs would both be written as \(clash.key)")
        }
        var cases: [ToyCase] = []
        for (index, input) in inputs.enumerated() {
            let name = names[index]
            let image = try store.readVolume(input)
            var record = ToyCase(name: name, source: input.lastPathComponent, label: 0, maskVoxels: 0)
            var written = image
            var mask = Volume(dims: image.dims, spacing: image.spacing, filledWith: 0)
            if let planned = plan[index] {
                var donor: Volume?
                if planned.type == .fpi || planned.type == .pii, inputs.count > 1 {
                    let donorURL = inputs[(index + 1) % inputs.count]
                    let candidate = try store.readVolume(donorURL)
                    if candidate.dims == image.dims {
                        donor = candidate
                        record.donor = donorURL.lastPathComponent
                    }
                }
                let brain = try masks.map { try Self.brainMask(for: input, in: $0, dims: image.dims, store: store) }
                let anomaly: SyntheticAnomaly
                do {
                    anomaly = try generator.make(planned.type, on: image, foreground: brain, donor: donor, seed: planned.seed)
                } catch let error as MedadError {
                    throw MedadError("\(input.path): \(error.message)")
                }
                written = anomaly.image
                mask = anomaly.maskVolume
                record.maskVoxels = anomaly.maskVoxelCount
                record.type = planned.type
                record.severity = anomaly.severity
                record.seed = planned.seed
                record.parameters = anomaly.parameters
            }
            record.label = record.maskVoxels > 0 ? 1 : 0
            try store.writeVolume(written, to: output.appendingPathComponent("toy/\(name)"), reference: input, isLabel: false)
            try store.writeVolume(mask, to: output.appendingPathComponent("toy_label/pixel/\(name)"), reference: input, isLabel: true)
            try AtomicFile.write("\(record.label)", to: output.appendingPathComponent("toy_label/sample/\(name).txt"))
            cases.append(record)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(cases), to: output.appendingPathComponent("toy_label/anomalies.json"))
        return cases
    }

    /// The brain mask of `input`: the file of the same name in `folder` (".nii" and ".nii.gz" both match).
    static func brainMask(for input: URL, in folder: URL, dims: [Int], store: VolumeStore) throws -> [UInt8] {
        let stem = NiftiNames.stem(of: input)
        guard let url = [".nii.gz", ".nii"].map({ folder.appendingPathComponent(stem + $0) })
            .first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw MedadError("\(folder.path): no brain mask \(stem).nii.gz or \(stem).nii for \(input.lastPathComponent)")
        }
        let mask = try store.readVolume(url)
        guard mask.dims == dims else {
            throw MedadError("\(url.path): brain mask dims \(mask.dims) differ from the image's \(dims)")
        }
        return mask.voxels.map { $0 >= 0.5 ? 1 : 0 }
    }

    /// "<stem>.nii.gz" for an input "<stem>.nii" or "<stem>.nii.gz": MOOD's toy files are gzipped.
    static func outputName(for input: URL) -> String {
        NiftiNames.stem(of: input) + ".nii.gz"
    }
}
