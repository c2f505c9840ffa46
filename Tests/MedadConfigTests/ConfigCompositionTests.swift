import Foundation
import MedadConfig
import MedadSupport
import Testing

@Suite struct ConfigCompositionTests {
    @Test func extendsMergesDeeplyAndSetOverrides() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medad-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write(#"{"train": {"steps": 100, "lr": 0.001}, "backbone": "cnn-s"}"#, to: folder.appendingPathComponent("base.json"))
        try AtomicFile.write(#"{"extends": "base.json", "train": {"steps": 5}}"#, to: folder.appendingPathComponent("child.json"))
        let loaded = try ConfigComposition.load(folder.appendingPathComponent("child.json"))
        #expect(loaded.canonical == #"{"backbone":"cnn-s","train":{"lr":0.001,"steps":5}}"#)
        let overridden = try ConfigComposition.apply(["backbone=vit-s", "train.steps=30", "method.name=semi", "data.ratios=[0,0.5]"], to: loaded)
        #expect(overridden.canonical == #"{"backbone":"vit-s","data":{"ratios":[0,0.5]},"method":{"name":"semi"},"train":{"lr":0.001,"steps":30}}"#)
    }

    @Test func badOverridesAndCyclesAreClearErrors() throws {
        #expect(throws: MedadError("--set steps: expected path=value, e.g. train.steps=30")) {
            _ = try ConfigComposition.apply(["steps"], to: .object(JSONObject()))
        }
        #expect(throws: MedadError("--set backbone.size: backbone is a string, not an object")) {
            _ = try ConfigComposition.apply(["backbone.size=3"], to: .object(JSONObject([("backbone", .string("cnn-s"))])))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medad-cycle-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try AtomicFile.write(#"{"extends": "b.json"}"#, to: folder.appendingPathComponent("a.json"))
        try AtomicFile.write(#"{"extends": "a.json"}"#, to: folder.appendingPathComponent("b.json"))
        #expect(throws: MedadError.self) { _ = try ConfigComposition.load(folder.appendingPathComponent("a.json")) }
    }

    /// Unbounded, a long path cost memory quadratic in its length (120 KB of keys took 8 GB).
    @Test func setPathsAreBounded() throws {
        let empty = JSONValue.object(JSONObject())
        let deep = Array(repeating: "a", count: 33).joined(separator: ".")
        #expect(throws: MedadError("--set \(deep): the key path has 33 keys, more than 32")) {
            _ = try ConfigComposition.apply([deep + "=1"], to: empty)
        }
        let long = String(repeating: "k", count: 1025)
        #expect(throws: MedadError("--set \(long.prefix(80))… (1025 characters): the key path is longer than 1024 characters")) {
            _ = try ConfigComposition.apply([long + "=1"], to: empty)
        }
        let deepest = Array(repeating: "a", count: 32).joined(separator: ".")
        let set = try ConfigComposition.apply([deepest + "=1"], to: empty)
        #expect(ConfigComposition.value(at: deepest, in: set) == .number(1))
        #expect(throws: MedadError("x.json: sweep.\(deep): the key path has 33 keys, more than 32")) {
            _ = try SweepPlan(experiment: .object(JSONObject([("sweep", .object(JSONObject([(deep, .array([.number(1)]))])))])),
                              source: "x.json")
        }
    }
}
