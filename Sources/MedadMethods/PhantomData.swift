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
        let heldOut = (data.subjects..<(data.subjects + data.testSubjects)).map { PhantomData.subjectName($0) }
        manifest = try SplitManifest.make(subjects: subjects, heldOutTest: heldOut, config: protocolConfig)
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

    /// The normal image of a subject and its brain mask (cached per process: every cell of a sweep shares the volumes).
    func normal(_ subject: String) -> PhantomCache.Subject {
        let index = Int(subject.dropFirst("phantom_".count)) ?? 0
        return PhantomCache.shared.subject(size: config.data.volumeSize, seed: config.seed, index: index)
    }

    /// A subject's image with its manifest anomaly (if any) placed inside its brain, normalised over the
    /// brain, with the anomaly's mask and the brain mask.
    func anomalous(_ subject: String, type: AnomalyType?, seed: UInt64?, donor: String?) throws -> (image: Volume, mask: Volume, brain: Volume) {
        let normal = normal(subject)
        var image = normal.image, mask = Volume(dims: image.dims, spacing: image.spacing, filledWith: 0)
        if let type, let seed {
            let made = try generator.make(type, on: image, foreground: normal.brainBytes, donor: donor.map { self.normal($0).image }, seed: seed)
            (image, mask) = (made.image, made.maskVolume)
        }
        return (config.data.preset.apply(image, foreground: normal.brain), mask, normal.brain)
    }

    func trainingSlices() throws -> [TrainingSlice] {
        var pool: [TrainingSlice] = []
        for subject in manifest.train {
            let (image, mask, brain) = try anomalous(subject.subject, type: subject.anomalyType, seed: subject.anomalySeed, donor: subject.donor)
            let label: Int? = subject.labelRevealed ? (subject.contaminated ? 1 : 0) : nil
            try RunData.samples(of: image, mask: subject.maskRevealed ? mask : nil, brain: brain, label: label, config: config.data, into: &pool)
        }
        return pool
    }

    func volume(of item: EvaluationCase) throws -> EvaluationVolume {
        let (image, mask, brain) = try anomalous(item.subject, type: item.anomalyType, seed: item.anomalySeed, donor: item.donor)
        return EvaluationVolume(name: PhantomData.caseName(item), image: image, mask: mask, brain: brain,
                                type: item.anomalyType, seen: item.seen)
    }
}

/// Phantom volumes generated once per process, so a sweep's cells do not regenerate them.
/// Bounded: cleared when it would exceed 512 MB.
final class PhantomCache: @unchecked Sendable {
    struct Subject {
        let image: Volume
        /// 0/1 brain mask, as a volume and as bytes.
        let brain: Volume
        let brainBytes: [UInt8]
    }

    static let shared = PhantomCache()
    private let lock = NSLock()
    private var subjects: [String: Subject] = [:]
    private var bytes = 0

    func subject(size: Int, seed: UInt64, index: Int) -> Subject {
        let key = "\(size)/\(seed)/\(index)"
        if let hit = lock.withLock({ subjects[key] }) { return hit }
        let phantom = Phantom.brain(size: size, seed: seed, index: index)
        let brainBytes = Phantom.brainMask(phantom.labels)
        let subject = Subject(image: phantom.image, brain: Volume(dims: phantom.labels.dims, spacing: phantom.labels.spacing,
                                                                  voxels: brainBytes.map(Float.init)),
                              brainBytes: brainBytes)
        lock.withLock {
            if bytes + subject.image.count * 9 > 512 << 20 { subjects.removeAll(); bytes = 0 }
            subjects[key] = subject
            bytes += subject.image.count * 9
        }
        return subject
    }
}
