import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import Testing

@Suite struct RunConfigTests {
    private func error(_ text: String) -> String? {
        do {
            try Runs.validate(config: JSONParser.parse(text, source: "cfg"), source: "run.json")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func defaultsValidate() {
        #expect(error(#"{"method": {"name": "semi"}}"#) == nil)
        #expect(error(#"{"method": {"name": "intensity"}, "backbone": "mamba-s"}"#) == nil)
    }

    @Test func unknownKeysNameTheirPath() throws {
        let message = try #require(error(#"{"method": {"name": "ae"}, "data": {"sizee": 32}}"#))
        #expect(message.contains("run.json: data.sizee: unknown key"))
        #expect(message.contains("size"))
        let other = try #require(error(#"{"method": {"name": "ae", "eta": 2}}"#))
        #expect(other.contains("method.eta: unknown key"))
    }

    @Test func wrongTypesNameTheirPath() throws {
        #expect(try #require(error(#"{"method": {"name": "ae"}, "train": {"steps": "many"}}"#)).contains("train.steps: expected"))
        #expect(try #require(error(#"{"method": {"name": "ae"}, "backbone": "cnn-xl"}"#)).contains("backbone"))
        #expect(try #require(error(#"{"method": {"name": "vae"}}"#)).contains("method.name"))
        #expect(try #require(error(#"{"method": {"name": "ae"}, "data": {"phantom": {"subjects": 2}}}"#)).contains("data.phantom.subjects"))
    }

    @Test func protocolConflictsAreErrors() throws {
        let leak = try #require(error(#"{"method": {"name": "synth"}, "data": {"generators": ["pii"], "unseen": ["pii"]}}"#))
        #expect(leak.contains("data.generators"))
        let none = try #require(error(#"{"method": {"name": "synth"}, "data": {"generators": []}}"#))
        #expect(none.contains("data.generators"))
        #expect(try #require(error(#"{"method": {"name": "ae"}, "train": {"steps": 0}}"#)).contains("train.steps"))
        #expect(try #require(error(#"{"method": {"name": "ae"}, "backbone": "vit-s", "data": {"size": 20}}"#)).contains("data.size"))
    }

    /// Without `train.lr` each method gets the rate that trained it on the phantoms; a given one wins.
    @Test func learningRateDefaultsPerMethod() throws {
        func lr(_ text: String) throws -> JSONValue? {
            let config = try RunConfig(JSONParser.parse(text, source: "cfg"), source: "cfg")
            return ConfigComposition.value(at: "train.lr", in: config.resolved)
        }
        #expect(try lr(#"{"method": {"name": "ae"}}"#) == .number(0.002))
        #expect(try lr(#"{"method": {"name": "deepsad"}}"#) == .number(0.001))
        #expect(try lr(#"{"method": {"name": "devnet"}}"#) == .number(0.0001))
        #expect(try lr(#"{"method": {"name": "devnet"}, "train": {"lr": 0.0003}}"#) == .number(0.0003))
    }

    @Test func setOverridesApplyBeforeValidation() throws {
        let base = try JSONParser.parse(#"{"method": {"name": "ae"}}"#, source: "cfg")
        let composed = try ConfigComposition.apply(["method.name=semi", "train.steps=30"], to: base)
        try Runs.validate(config: composed, source: "run.json")
        #expect(ConfigComposition.value(at: "method.name", in: composed) == .string("semi"))
    }
}
