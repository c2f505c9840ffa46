import Foundation
import MedadAnomalies
import MedadSupport
import Testing

@Suite struct SplitManifestTests {
    static let subjects = (0..<100).map { String(format: "sub-%03d", $0) }

    static func config(seed: UInt64 = 1) -> SplitProtocol {
        SplitProtocol(seenTypes: [.sphere, .noise], unseenTypes: [.pii, .sinkSource], trainingGenerators: [.fpi, .cutpaste],
                      seed: seed, validationFraction: 0.15, testFraction: 0.25, contamination: 0.1, labelRatio: 0.5,
                      revealMasks: true, validationAnomalyFraction: 0.4, testAnomalyFraction: 0.6)
    }

    @Test func heldOutSubjectsExtendOnlyTheTestSplit() throws {
        let base = try SplitManifest.make(subjects: Self.subjects, config: Self.config())
        let heldOut = (100..<140).map { String(format: "sub-%03d", $0) }
        let wide = try SplitManifest.make(subjects: Self.subjects, heldOutTest: heldOut.reversed(), config: Self.config())
        #expect(wide.train == base.train && wide.validation == base.validation)
        #expect(Array(wide.test.prefix(base.test.count)) == base.test)
        let added = Array(wide.test.dropFirst(base.test.count))
        #expect(added.map(\.subject) == heldOut)
        // 0.6 of 40 anomalous, the four test types taking turns, donors from the held-out subjects.
        let types = added.compactMap(\.anomalyType)
        #expect(types.count == 24)
        #expect([AnomalyType.sphere, .noise, .pii, .sinkSource].allSatisfy { type in types.filter { $0 == type }.count == 6 })
        #expect(added.compactMap(\.donor).allSatisfy(heldOut.contains))
        #expect(Set(added.compactMap(\.anomalySeed)).isDisjoint(with: base.test.compactMap(\.anomalySeed)))
        #expect(throws: MedadError("splits.subjects: subject 'sub-007' is listed twice")) {
            try SplitManifest.make(subjects: Self.subjects, heldOutTest: ["sub-007"], config: Self.config())
        }
    }

    @Test func splitsAreDisjointAndHaveTheRequestedSizes() throws {
        let m = try SplitManifest.make(subjects: Self.subjects.shuffled(), config: Self.config())
        #expect(m.train.count == 60 && m.validation.count == 15 && m.test.count == 25)
        let all = m.train.map(\.subject) + m.validation.map(\.subject) + m.test.map(\.subject)
        #expect(all.count == Set(all).count && Set(all) == Set(Self.subjects))
        #expect(m.roles.count == 100 && m.roles["sub-000"] != nil)

        let dirty = m.train.filter(\.contaminated)
        #expect(dirty.count == 6)
        #expect(dirty.allSatisfy { [.sphere, .noise].contains($0.anomalyType) && $0.anomalySeed != nil })
        #expect(m.train.filter { !$0.contaminated }.allSatisfy { $0.anomalyType == nil && !$0.maskRevealed })
        #expect(m.train.filter(\.labelRevealed).count == 30)  // 27 of 54 clean + 3 of 6 contaminated
        #expect(dirty.filter(\.labelRevealed).count == 3)
        #expect(m.train.allSatisfy { $0.maskRevealed == ($0.contaminated && $0.labelRevealed) })

        #expect(m.validation.filter { $0.label == 1 }.count == 6)
        #expect(m.validation.allSatisfy { $0.anomalyType == nil || [.sphere, .noise].contains($0.anomalyType!) })
        let testAnomalies = m.test.filter { $0.label == 1 }
        #expect(testAnomalies.count == 15)
        #expect(Set(testAnomalies.compactMap(\.anomalyType)) == [.sphere, .noise, .pii, .sinkSource])
        #expect(testAnomalies.allSatisfy { $0.seen == [.sphere, .noise].contains($0.anomalyType!) })
        #expect(m.test.filter { $0.label == 0 }.allSatisfy { $0.seen == nil && $0.anomalySeed == nil })
        let testSubjects = Set(m.test.map(\.subject))
        #expect(m.test.allSatisfy { ($0.donor != nil) == ($0.anomalyType == .pii) })
        #expect(m.test.compactMap(\.donor).allSatisfy { testSubjects.contains($0) })
        #expect(m.train.allSatisfy { $0.donor == nil })
    }

    @Test func deterministicPerSeed() throws {
        let a = try SplitManifest.make(subjects: Self.subjects, config: Self.config(seed: 4))
        let b = try SplitManifest.make(subjects: Self.subjects.reversed(), config: Self.config(seed: 4))
        let c = try SplitManifest.make(subjects: Self.subjects, config: Self.config(seed: 5))
        #expect(a == b && a.hash == b.hash)
        #expect(a.test.map(\.subject) != c.test.map(\.subject) && a.hash != c.hash)
        let recomputed = try a.contentHash()
        #expect(a.hash.count == 16 && a.hash == recomputed)
    }

    @Test func roundTripsThroughJSONAndDetectsEdits() throws {
        let m = try SplitManifest.make(subjects: Self.subjects, config: Self.config())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medad-splits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("splits.json")
        try m.write(to: url)
        #expect(try SplitManifest.read(from: url) == m)
        let edited = try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: "\"contaminated\" : false", with: "\"contaminated\" : true")
        try edited.write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try SplitManifest.read(from: url)
            Issue.record("an edited manifest was accepted")
        } catch let error as MedadError {
            #expect(error.message.hasSuffix("the manifest was edited"))
        }
    }

    @Test func hashIsFNV1aOfTheCompactSortedJSONWithAnEmptyHash() throws {
        let m = try SplitManifest.make(subjects: Array(Self.subjects.prefix(10)), config: Self.config())
        var blank = m
        blank.hash = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(blank), as: UTF8.self)
        #expect(json.hasPrefix("{\"config\":{\"allowOverlap\":false,"))
        #expect(m.hash == StableHash.hex(json))
    }

    static func message(_ config: SplitProtocol, subjects: [String] = subjects) -> String? {
        do {
            _ = try SplitManifest.make(subjects: subjects, config: config)
            return nil
        } catch let error as MedadError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// Six to nine subjects round to one validation subject, which the anomaly fraction made
    /// anomalous: no normal case was left for calibration.
    @Test(arguments: 6...9)
    func smallSetsKeepANormalAndAnAnomalousValidationCase(count: Int) throws {
        for seed in UInt64(0)..<4 {
            var config = Self.config(seed: seed)
            config.validationAnomalyFraction = 0.5   // the run configs' share
            let m = try SplitManifest.make(subjects: Array(Self.subjects.prefix(count)), config: config)
            #expect(m.validation.count == 2 && Set(m.validation.map(\.label)) == [0, 1], "\(count) subjects, seed \(seed)")
            #expect(!m.train.isEmpty)
        }
        var everyCase = Self.config()
        everyCase.validationAnomalyFraction = 1
        let m = try SplitManifest.make(subjects: Self.subjects, config: everyCase)
        #expect(m.validation.count == 15 && m.validation.filter { $0.label == 0 }.count == 1)
    }

    @Test func trainingGeneratorOfAnUnseenTypeIsAnError() throws {
        var config = Self.config()
        config.trainingGenerators = [.fpi, .pii]
        #expect(Self.message(config) == "splits.trainingGenerators: generator 'pii' produces an unseen test type; remove it or set allowOverlap")
        config.allowOverlap = true
        #expect(Self.message(config) == nil)
        config = Self.config()
        config.validationTypes = [.sinkSource]
        #expect(Self.message(config)?.hasPrefix("splits.validationTypes: 'sink_source'") == true)
    }

    @Test func badParametersNameTheirKey() {
        var config = Self.config()
        config.contamination = 1.2
        #expect(Self.message(config) == "splits.contamination: expected a rate within 0...1, got 1.2")
        config = Self.config()
        config.unseenTypes = [.noise]
        #expect(Self.message(config)?.hasPrefix("splits.unseenTypes: 'noise' is also a seen type") == true)
        config = Self.config()
        config.testFraction = 0.9
        #expect(Self.message(config)?.hasPrefix("splits.validationFraction/testFraction") == true)
        #expect(Self.message(Self.config(), subjects: ["a", "b", "a"]) == "splits.subjects: subject 'a' is listed twice")
        #expect(Self.message(Self.config(), subjects: ["a", "b"])?.hasPrefix("splits.subjects: 2 subjects leave none") == true)
    }
}
