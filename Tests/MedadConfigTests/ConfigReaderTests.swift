import Foundation
import MedadConfig
import MedadSupport
import Testing

@Suite struct ConfigReaderTests {
    func reader(_ text: String) throws -> ConfigReader {
        try ConfigReader(JSONParser.parse(text, source: "run.json"), source: "run.json")
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func readsTypedValuesWithDefaults() throws {
        let r = try reader(#"{"train": {"steps": 30, "lr": 0.001}, "backbone": "vit-s"}"#)
        let train = try r.section("train")
        #expect(try train.int("steps") == 30)
        #expect(try train.double("lr") == 0.001)
        #expect(try train.int("batch", default: 8) == 8)
        try train.finish()
        #expect(try r.string("backbone", allowed: ["cnn-s", "vit-s", "mamba-s"]) == "vit-s")
        try r.finish()
    }

    @Test func errorsNamePathAllowedValuesAndSuggestion() throws {
        let r = try reader(#"{"train": {"stepz": 30, "lr": "fast", "batch": 2.5}, "backbone": "cnn-x", "ratio": 1.5}"#)
        let train = try r.section("train")
        #expect(message { _ = try train.double("lr") } == "run.json: train.lr: expected a number, got a string")
        #expect(message { _ = try train.int("batch") } == "run.json: train.batch: expected a whole number, got 2.5")
        _ = try train.int("steps", default: 10)
        #expect(message { try train.finish() }.hasPrefix("run.json: train.stepz: unknown key (did you mean \"steps\"?); allowed keys: batch, lr, steps"))
        #expect(message { _ = try r.string("backbone", allowed: ["cnn-s", "vit-s", "mamba-s"]) }
                == "run.json: backbone: \"cnn-x\" is not one of cnn-s, vit-s, mamba-s (did you mean \"cnn-s\"?)")
        #expect(message { _ = try r.double("ratio", range: 0...1) } == "run.json: ratio: 1.5 is out of range; expected a number in [0, 1]")
        #expect(message { _ = try r.int("seed") } == "run.json: seed: missing; expected a whole number")
    }

    /// A config may hold a string of megabytes; quoted whole, it made the error line as large.
    @Test func longKeysAndValuesAreClippedInErrors() throws {
        let long = String(repeating: "x", count: 5_000_000)
        let clipped = String(repeating: "x", count: 80) + "… (5000000 characters)"
        let r = try reader(#"{"backbone": "\#(long)", "\#(long)": 1, "list": ["\#(long)"]}"#)
        #expect(message { _ = try r.string("backbone", allowed: ["cnn-s", "vit-s"]) }
                == "run.json: backbone: \"\(clipped)\" is not one of cnn-s, vit-s")
        #expect(message { _ = try r.stringList("list", allowed: ["a"]) } == "run.json: list[0]: \"\(clipped)\" is not one of a")
        #expect(message { try r.finish() } == "run.json: \(clipped): unknown key; allowed keys: backbone, list")
        #expect(message { _ = try JSONParser.parse(#"{"\#(long)": 1, "\#(long)": 2}"#, source: "run.json") }
                == "run.json:1:\(long.count + 9): key \"\(clipped)\" appears twice in the same object")
    }

    /// A config is read whole into memory: a wrong path (a volume, /dev/zero) must not be.
    @Test func oversizedFilesAreRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("medad-big-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(count: JSONParser.maxFileBytes + 1).write(to: url)
        #expect(message { _ = try JSONParser.parse(file: url) } == "\(url.path): file is larger than 16 MiB, the limit for a JSON config or record")
        #expect(message { _ = try JSONParser.parse(file: URL(fileURLWithPath: "/dev/zero")) }
                == "/dev/zero: file is larger than 16 MiB, the limit for a JSON config or record")
    }
}
