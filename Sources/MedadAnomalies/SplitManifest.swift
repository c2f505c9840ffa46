import Foundation
import MedadSupport

public enum SplitRole: String, Codable, Sendable {
    case train, validation, test
}

/// A training-pool subject: clean or contaminated, and what of it a method may see.
public struct TrainingSubject: Codable, Equatable, Sendable {
    public var subject: String
    public var contaminated: Bool
    /// The seen type and generator seed of its anomaly (nil when clean).
    public var anomalyType: AnomalyType?
    public var anomalySeed: UInt64?
    /// For fpi/pii: the subject (of the same split) whose image is the foreign donor.
    public var donor: String?
    /// The method may use this subject's image label (0 or 1).
    public var labelRevealed: Bool
    /// The method may use this subject's voxel mask (only for revealed anomalous subjects).
    public var maskRevealed: Bool
}

/// A validation or test case: a subject, normal or with an anomaly regenerable from type and seed.
public struct EvaluationCase: Codable, Equatable, Sendable {
    public var subject: String
    public var anomalyType: AnomalyType?
    public var anomalySeed: UInt64?
    /// For fpi/pii: the subject (of the same split) whose image is the foreign donor.
    public var donor: String?
    /// For anomalous test cases: whether the type is a seen one (nil for normal cases).
    public var seen: Bool?

    public var label: Int { anomalyType == nil ? 0 : 1 }
}

/// The data every method of a study sees, fixed per seed: subject-level disjoint splits, the training
/// contamination and revealed labels, and the validation/test anomalies by type and seed (volumes are
/// regenerated with `AnomalyGenerator.make(type, on: image, donor: donorImage, seed: seed)`, the donor
/// being another subject of the same split, so splits stay disjoint). `hash` identifies it in run records.
public struct SplitManifest: Codable, Equatable, Sendable {
    public var version: Int
    public var config: SplitProtocol
    public var train: [TrainingSubject]
    public var validation: [EvaluationCase]
    public var test: [EvaluationCase]
    /// FNV-1a 64 (16 hex digits) of the compact sorted-keys JSON of this manifest with `hash` empty.
    public var hash: String

    /// Builds the manifest for `subjects` (each a subject id; several volumes of one subject must share it).
    /// `heldOutTest`: further subjects that join the test split only, after the split's own test cases and
    /// with anomalies from their own streams, so the training pool, the validation cases and the first
    /// test cases are those of the manifest without them: a larger test set for runs already trained.
    public static func make(subjects: [String], heldOutTest: [String] = [], config: SplitProtocol) throws -> SplitManifest {
        try config.validate()
        let ids = subjects.sorted()
        let all = (ids + heldOutTest).sorted()
        if let twice = zip(all, all.dropFirst()).first(where: { $0.0 == $0.1 }) {
            throw MedadError("splits.subjects: subject '\(twice.0)' is listed twice")
        }
        let n = ids.count
        let testCount = max(1, Int((config.testFraction * Double(n)).rounded()))
        var validationCount = max(1, Int((config.validationFraction * Double(n)).rounded()))
        // Validation needs a normal case (calibration) and, when anomalies are asked for, an anomalous
        // one (model selection): two subjects, when training can spare one (small sets round to one).
        if validationCount == 1 && config.validationAnomalyFraction > 0 && n - testCount - 2 >= 1 { validationCount = 2 }
        guard n - testCount - validationCount >= 1 else {
            throw MedadError("splits.subjects: \(n) subjects leave none for training after \(testCount) test and \(validationCount) validation subjects")
        }
        let root = SeededRandom(seed: config.seed)
        var order = root.split(1)
        let shuffled = shuffle(ids, &order)
        let testIDs = Array(shuffled[0..<testCount]).sorted()
        let validationIDs = Array(shuffled[testCount..<(testCount + validationCount)]).sorted()
        let trainIDs = Array(shuffled[(testCount + validationCount)...]).sorted()

        // Each split draws from its own streams, so the label ratio and contamination (which change how
        // many draws the training pool takes) leave the validation and test cases alone: runs at
        // different label ratios are scored on the same test cases and can be paired.
        var seeds = root.split(2), picks = root.split(3)
        var validationSeeds = root.split(4), validationPicks = root.split(5)
        var testSeeds = root.split(6), testPicks = root.split(7)
        let train = trainingPool(trainIDs, config: config, &picks, &seeds)
        let validation = evaluationCases(validationIDs, fraction: config.validationAnomalyFraction,
                                         types: config.validationTypes, seen: nil, keepNormal: true, &validationPicks, &validationSeeds)
        var heldOutPicks = root.split(8), heldOutSeeds = root.split(9)
        let testTypes = config.seenTypes + config.unseenTypes, seen = Set(config.seenTypes)
        let test = evaluationCases(testIDs, fraction: config.testAnomalyFraction, types: testTypes, seen: seen, keepNormal: false,
                                   &testPicks, &testSeeds)
            + evaluationCases(heldOutTest.sorted(), fraction: config.testAnomalyFraction, types: testTypes, seen: seen,
                              keepNormal: false, &heldOutPicks, &heldOutSeeds)
        var manifest = SplitManifest(version: 1, config: config, train: train, validation: validation, test: test, hash: "")
        manifest.hash = try manifest.contentHash()
        return manifest
    }

    /// Which split each subject belongs to.
    public var roles: [String: SplitRole] {
        var roles: [String: SplitRole] = [:]
        for s in train { roles[s.subject] = .train }
        for c in validation { roles[c.subject] = .validation }
        for c in test { roles[c.subject] = .test }
        return roles
    }

    /// Recomputes the content hash (the stored `hash` is ignored).
    public func contentHash() throws -> String {
        var blank = self
        blank.hash = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return StableHash.hex(String(decoding: try encoder.encode(blank), as: UTF8.self))
    }

    /// Writes pretty sorted-keys JSON atomically.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: url)
    }

    /// Reads a manifest and checks its hash, so an edited manifest cannot pass as the original.
    public static func read(from url: URL) throws -> SplitManifest {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw MedadError("\(url.path): cannot read the split manifest (\(error.localizedDescription))")
        }
        let manifest: SplitManifest
        do {
            manifest = try JSONDecoder().decode(SplitManifest.self, from: data)
        } catch {
            throw MedadError("\(url.path): not a split manifest (\(error))")
        }
        let expected = try manifest.contentHash()
        guard manifest.hash == expected else {
            throw MedadError("\(url.path): hash \(manifest.hash) does not match the content (\(expected)); the manifest was edited")
        }
        return manifest
    }

    /// The next subject of the split donates the foreign patch of fpi/pii.
    private static func donor(for type: AnomalyType, index: Int, in ids: [String]) -> String? {
        guard type == .fpi || type == .pii, ids.count > 1 else { return nil }
        return ids[(index + 1) % ids.count]
    }

    private static func shuffle<T>(_ items: [T], _ random: inout SeededRandom) -> [T] {
        var items = items
        for i in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(i, random.nextInt(i + 1)) }
        return items
    }

    /// round(rate * count) of the indices 0..<count (at most `limit`), chosen at random, as a set.
    private static func pick(_ count: Int, rate: Double, limit: Int = .max, _ random: inout SeededRandom) -> Set<Int> {
        Set(shuffle(Array(0..<count), &random).prefix(min(limit, Int((rate * Double(count)).rounded()))))
    }

    private static func trainingPool(_ ids: [String], config: SplitProtocol, _ picks: inout SeededRandom,
                                     _ seeds: inout SeededRandom) -> [TrainingSubject] {
        let contaminated = pick(ids.count, rate: config.contamination, &picks)
        // Labels are revealed at rate r among the clean and among the contaminated subjects separately,
        // so the labelled subset has the pool's contamination rate.
        let clean = (0..<ids.count).filter { !contaminated.contains($0) }
        let dirty = (0..<ids.count).filter { contaminated.contains($0) }
        let revealed = Set(pick(clean.count, rate: config.labelRatio, &picks).map { clean[$0] })
            .union(pick(dirty.count, rate: config.labelRatio, &picks).map { dirty[$0] })
        var k = 0
        return ids.enumerated().map { index, id in
            var subject = TrainingSubject(subject: id, contaminated: false, labelRevealed: revealed.contains(index), maskRevealed: false)
            if contaminated.contains(index) {
                let type = config.seenTypes[k % config.seenTypes.count]
                subject.contaminated = true
                subject.anomalyType = type
                subject.anomalySeed = seeds.next() >> 11
                subject.donor = donor(for: type, index: index, in: ids)
                subject.maskRevealed = config.revealMasks && subject.labelRevealed
                k += 1
            }
            return subject
        }
    }

    /// `keepNormal`: leave at least one case normal whatever the fraction.
    private static func evaluationCases(_ ids: [String], fraction: Double, types: [AnomalyType], seen: Set<AnomalyType>?,
                                        keepNormal: Bool, _ picks: inout SeededRandom, _ seeds: inout SeededRandom) -> [EvaluationCase] {
        let anomalous = pick(ids.count, rate: fraction, limit: keepNormal ? ids.count - 1 : .max, &picks)
        var k = 0
        return ids.enumerated().map { index, id in
            var item = EvaluationCase(subject: id)
            if anomalous.contains(index) {
                let type = types[k % types.count]
                item.anomalyType = type
                item.anomalySeed = seeds.next() >> 11
                item.donor = donor(for: type, index: index, in: ids)
                item.seen = seen.map { $0.contains(type) }
                k += 1
            }
            return item
        }
    }
}
