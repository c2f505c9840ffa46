import Foundation
import MedadAnomalies
import MedadSupport
import MedadVolumes
import Testing

/// Volumes kept in memory, keyed by path; label writes are remembered.
final class MemoryStore: VolumeStore {
    var volumes: [String: Volume] = [:]
    var labels: Set<String> = []

    func readVolume(_ url: URL) throws -> Volume {
        guard let volume = volumes[url.path] else { throw MedadError("\(url.path): not in the store") }
        return volume
    }

    func writeVolume(_ volume: Volume, to url: URL, reference: URL, isLabel: Bool) throws {
        #expect(volumes[reference.path] != nil, "reference \(reference.path) is not an input")
        volumes[url.path] = volume
        if isLabel { labels.insert(url.path) }
    }
}

@Suite struct MOODToySetTests {
    static func inputs(_ count: Int, into store: MemoryStore) -> [URL] {
        (0..<count).map { i in
            let url = URL(fileURLWithPath: "/in/case\(i).nii\(i % 2 == 0 ? ".gz" : "")")
            store.volumes[url.path] = TestVolumes.tissue(dims: [24, 22, 1], phase: Double(i))
            return url
        }
    }

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("medad-toy-\(UUID().uuidString)")
    }

    @Test func writesTheMOODLayoutWithConsistentLabels() throws {
        let store = MemoryStore()
        let inputs = Self.inputs(6, into: store)
        let out = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let cases = try MOODToySet(types: [.sphere, .pii, .shuffle], fraction: 0.5, seed: 3)
            .build(inputs: inputs, output: out, store: store)
        #expect(cases.map(\.name) == (0..<6).map { "case\($0).nii.gz" })
        #expect(cases.filter { $0.label == 1 }.count == 3)
        #expect(Set(cases.compactMap(\.type)) == [.sphere, .pii, .shuffle])
        for (input, record) in zip(inputs, cases) {
            let original = try store.readVolume(input)
            let image = try store.readVolume(out.appendingPathComponent("toy/\(record.name)"))
            let maskURL = out.appendingPathComponent("toy_label/pixel/\(record.name)")
            let mask = try store.readVolume(maskURL)
            #expect(store.labels.contains(maskURL.path))
            let sample = try String(contentsOf: out.appendingPathComponent("toy_label/sample/\(record.name).txt"), encoding: .utf8)
            let maskVoxels = mask.voxels.filter { $0 != 0 }.count
            #expect(sample == "\(record.label)")
            #expect((maskVoxels > 0) == (record.label == 1) && maskVoxels == record.maskVoxels)
            #expect((record.type != nil) == (record.label == 1))
            for i in 0..<original.count where mask.voxels[i] == 0 { #expect(image.voxels[i] == original.voxels[i]) }
            if record.label == 0 { #expect(image.voxels == original.voxels) }
            if let type = record.type, let seed = record.seed {
                // The recorded type, seed and donor regenerate the case exactly.
                let donor = try record.donor.map { try store.readVolume(URL(fileURLWithPath: "/in/\($0)")) }
                let again = try AnomalyGenerator().make(type, on: original, donor: donor, seed: seed)
                #expect(again.image.voxels == image.voxels)
                #expect(abs(again.severity - (record.severity ?? -1)) < 1e-12)
            }
        }
        let json = try Data(contentsOf: out.appendingPathComponent("toy_label/anomalies.json"))
        #expect(try JSONDecoder().decode([ToyCase].self, from: json) == cases)
    }

    @Test func planDependsOnTheSeedOnly() throws {
        let a = try MOODToySet(types: [.sphere, .blur], fraction: 1, seed: 5).plan(count: 8)
        let b = try MOODToySet(types: [.sphere, .blur], fraction: 1, seed: 5).plan(count: 8)
        let c = try MOODToySet(types: [.sphere, .blur], fraction: 1, seed: 6).plan(count: 8)
        #expect(a.map { $0?.seed } == b.map { $0?.seed } && a.map { $0?.type } == b.map { $0?.type })
        #expect(a.map { $0?.seed } != c.map { $0?.seed })
        #expect(a.filter { $0?.type == .sphere }.count == 4 && a.filter { $0?.type == .blur }.count == 4)
        #expect(try MOODToySet(fraction: 0.25, seed: 1).plan(count: 8).compactMap { $0 }.count == 2)
        #expect(try MOODToySet(fraction: 0, seed: 1).plan(count: 8).allSatisfy { $0 == nil })
    }

    @Test func badOptionsAndInputsAreClearErrors() throws {
        #expect(throws: MedadError("--fraction: expected a share within 0...1, got 1.5")) {
            try MOODToySet(fraction: 1.5)
        }
        #expect(throws: MedadError.self) { try MOODToySet(types: []) }
        let store = MemoryStore()
        let clash = [URL(fileURLWithPath: "/in/a.nii"), URL(fileURLWithPath: "/in/a.nii.gz")]
        for url in clash { store.volumes[url.path] = TestVolumes.slice }
        #expect(throws: MedadError.self) {
            try MOODToySet().build(inputs: clash, output: Self.temporaryFolder(), store: store)
        }
        let empty = Self.temporaryFolder()
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: MedadError.self) { try MOODToySet.inputs(in: empty) }
    }
}
