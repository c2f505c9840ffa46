import Foundation
import MedadAnomalies
import MedadConfig
import MedadSupport
import MedadVolumes

/// The phantom source: `Phantom.brain` subjects split by `SplitManifest`, anomalies regenerated
/// deterministically from the manifest's seeds, every volume percentile-normalised.
struct PhantomData {
    let config: RunConfig
    let manifest: SplitManifest
    let generator: AnomalyGenerator
    private let subjects: [String]

    init(config: RunConfig) throws {
        self.config = config
        let data = config.data
        subjects = (0..<data.subjects).map { PhantomData.subjectName($0) }
        let protocolConfig = SplitProtocol(seenTypes: data.seen, unseenTypes: data.unseen, trainingGenerators: data.generators,
                                           seed: config.seed, contamination: data.contamination, labelRatio: data.labelRatio,
                                           revealMasks: data.masks)
        manifest = try SplitManifest.make(subjects: subjects, config: protocolConfig)
        generator = try AnomalyGenerator()
    }

    static func subjectName(_ index: Int) -> String { "phantom_" + String(format: "%03d", index) }

    static func caseName(_ item: EvaluationCase) -> String {
        item.subject + (item.anomalyType.map { "_" + $0.rawValue } ?? "_normal")
    }

    var manifestJSON: JSONValue {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try JSONParser.parse(String(decoding: try encoder.encode(manifest), as: UTF8.self), source: "manifest")
        }
    }

    /// The normal image of a subject (cached per process: every cell of a sweep shares the volumes).
    func normal(_ subject: String) -> Volume {
        let index = Int(subject.dropFirst("phantom_".count)) ?? 0
        return PhantomCache.shared.image(size: config.data.volumeSize, seed: config.seed, index: index)
    }

    /// A subject's image with its manifest anomaly (if any), normalised, and the anomaly's mask.
    func anomalous(_ subject: String, type: AnomalyType?, seed: UInt64?, donor: String?) throws -> (image: Volume, mask: Volume) {
        let image = normal(subject)
        guard let type, let seed else {
            return (Preprocess.normalizePercentiles(image), Volume(dims: image.dims, spacing: image.spacing, filledWith: 0))
        }
        let made = try generator.make(type, on: image, donor: donor.map(normal), seed: seed)
        return (Preprocess.normalizePercentiles(made.image), made.maskVolume)
    }

    func trainingSlices() throws -> [TrainingSlice] {
        var pool: [TrainingSlice] = []
        for subject in manifest.train {
            let (image, mask) = try anomalous(subject.subject, type: subject.anomalyType, seed: subject.anomalySeed, donor: subject.donor)
            let label: Int? = subject.labelRevealed ? (subject.contaminated ? 1 : 0) : nil
            try RunData.slices(of: image, mask: subject.maskRevealed ? mask : nil, label: label, config: config.data, into: &pool)
        }
        return pool
    }

    func volume(of item: EvaluationCase) throws -> EvaluationVolume {
        let (image, mask) = try anomalous(item.subject, type: item.anomalyType, seed: item.anomalySeed, donor: item.donor)
        return EvaluationVolume(name: PhantomData.caseName(item), image: image, mask: mask, type: item.anomalyType, seen: item.seen)
    }
}

/// Phantom volumes generated once per process, so a sweep's cells do not regenerate them.
/// Bounded: cleared when it would exceed 512 MB.
final class PhantomCache: @unchecked Sendable {
    static let shared = PhantomCache()
    private let lock = NSLock()
    private var volumes: [String: Volume] = [:]
    private var bytes = 0

    func image(size: Int, seed: UInt64, index: Int) -> Volume {
        let key = "\(size)/\(seed)/\(index)"
        if let hit = lock.withLock({ volumes[key] }) { return hit }
        let image = Phantom.brain(size: size, seed: seed, index: index).image
        lock.withLock {
            if bytes + image.count * 4 > 512 << 20 { volumes.removeAll(); bytes = 0 }
            volumes[key] = image
            bytes += image.count * 4
        }
        return image
    }
}
