import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import MedadZoo
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

    /// Without `mamba_scan` a run scans as its backbone does by default: cross4 for mamba-s.
    @Test func mambaScanDefaultsToTheBackbones() throws {
        func scan(_ text: String) throws -> MambaScan {
            try RunConfig(JSONParser.parse(text, source: "cfg"), source: "run.json").mambaScan
        }
        #expect(try scan(#"{"method": {"name": "synth"}, "backbone": "mamba-s"}"#) == .cross4)
        #expect(try scan(#"{"method": {"name": "synth"}, "backbone": "mamba-s", "mamba_scan": "bi"}"#) == .bi)
        #expect(try scan(#"{"method": {"name": "synth"}}"#) == .bi)
    }

    @Test func unknownKeysNameTheirPath() throws {
        let message = try #require(error(#"{"method": {"name": "ae"}, "data": {"sizee": 32}}"#))
        #expect(message.contains("run.json: data.sizee: unknown key"))
        #expect(message.contains("size"))
        let other = try #require(error(#"{"method": {"name": "ae", "eta": 2}}"#))
        #expect(other.contains("method.eta: unknown key"))
    }

    @Test func labelNamesAVariantAndMustBeAName() throws {
        #expect(error(#"{"method": {"name": "intensity", "reference": "global", "label": "intensity-global"}}"#) == nil)
        #expect(try #require(error(#"{"method": {"name": "ae", "label": "a b"}}"#)).contains("method.label: \"a b\" is not a label"))
        #expect(try #require(error(#"{"method": {"name": "ae", "label": ""}}"#)).contains("method.label"))
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
        #expect(error(#"{"method": {"name": "ae"}, "data": {"source": "folders", "folders": {"folds": "f", "fold": 0}, "phantom": {"test_subjects": 4}}}"#)
                == #"run.json: data.phantom.test_subjects: held-out subjects are drawn from the phantom generator; data.source "folders" scores its test folder"#)
    }

    /// A zero rate passed the range check and failed at training, naming neither the file nor the key.
    @Test func learningRateMustBePositive() throws {
        #expect(error(#"{"method": {"name": "ae"}, "train": {"lr": 0}}"#)
                == "run.json: train.lr: 0 is out of range; expected a number above 0, at most 10")
        #expect(error(#"{"method": {"name": "ae"}, "train": {"lr": 1e-9}}"#) == nil)
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
        #expect(try lr(#"{"method": {"name": "supervised"}, "data": {"label_ratio": 0.1}}"#) == .number(0.002))
        #expect(try lr(#"{"method": {"name": "devnet"}, "train": {"lr": 0.0003}}"#) == .number(0.0003))
    }

    @Test func intensityOptionsAreChecked() throws {
        let sign = try #require(error(#"{"method": {"name": "intensity", "sign": "up"}}"#))
        #expect(sign.contains("run.json: method.sign:") && sign.contains("high") && sign.contains("abs"))
        #expect(try #require(error(#"{"method": {"name": "intensity", "reference": "atlas"}}"#)).contains("method.reference"))
        let bins = try #require(error(#"{"method": {"name": "intensity", "reference": "global", "position_bins": 4}}"#))
        #expect(bins.contains("method.position_bins: only applies to reference \"position\""))
        #expect(try #require(error(#"{"method": {"name": "ae", "sign": "high"}}"#)).contains("method.sign: unknown key"))
        // Old configs keep their meaning: the per-position model scored by |z|.
        let config = try RunConfig(JSONParser.parse(#"{"method": {"name": "intensity"}}"#, source: "cfg"), source: "cfg")
        #expect(ConfigComposition.value(at: "method.reference", in: config.resolved) == .string("position"))
        #expect(ConfigComposition.value(at: "method.sign", in: config.resolved) == .string("abs"))
    }

    /// `supervised` needs revealed masks: each missing piece is one line naming its key.
    @Test func supervisedNeedsRevealedMasks() throws {
        #expect(error(#"{"method": {"name": "supervised"}, "data": {"label_ratio": 0.2}}"#) == nil)
        for (data, key) in [(#"{}"#, "data.label_ratio: 0 reveals no labels"),
                            (#"{"label_ratio": 0.2, "masks": false}"#, "data.masks: false reveals no masks"),
                            (#"{"label_ratio": 0.2, "source": "folders", "folders": {"train": "a", "val": "b", "test": "c"}}"#,
                             "data.folders.labelled: missing")] {
            let message = try #require(error(#"{"method": {"name": "supervised"}, "data": \#(data)}"#))
            #expect(message.contains("run.json: " + key) && !message.contains("\n"), "\(message)")
        }
        #expect(try #require(error(#"{"method": {"name": "supervised", "positive_share": 0}, "data": {"label_ratio": 0.2}}"#))
            .contains("method.positive_share"))
        #expect(try #require(error(#"{"method": {"name": "synth", "positive_share": 0.5}}"#)).contains("method.positive_share: unknown key"))
    }

    @Test func postprocessIsCheckedAndOffByDefault() throws {
        let config = try RunConfig(JSONParser.parse(#"{"method": {"name": "ae"}}"#, source: "cfg"), source: "cfg")
        #expect(config.eval.postprocess == PostprocessConfig())
        #expect(ConfigComposition.value(at: "eval.postprocess", in: config.resolved)
            == (try JSONParser.parse(#"{"mask": false, "median": 0, "min_component": 0}"#, source: "expected")))
        #expect(error(#"{"method": {"name": "ae"}, "eval": {"postprocess": {"mask": true, "median": 5, "min_component": 8}}}"#) == nil)
        for (postprocess, path) in [(#"{"median": 4}"#, "eval.postprocess.median: 4 is not an odd size"),
                                    (#"{"median": 1}"#, "eval.postprocess.median: 1 is not an odd size"),
                                    (#"{"min_component": -1}"#, "eval.postprocess.min_component"),
                                    (#"{"mask": 1}"#, "eval.postprocess.mask"),
                                    (#"{"size": 3}"#, "eval.postprocess.size: unknown key")] {
            let message = try #require(error(#"{"method": {"name": "ae"}, "eval": {"postprocess": \#(postprocess)}}"#))
            #expect(message.contains("run.json: " + path), "\(message)")
        }
    }

    @Test func setOverridesApplyBeforeValidation() throws {
        let base = try JSONParser.parse(#"{"method": {"name": "ae"}}"#, source: "cfg")
        let composed = try ConfigComposition.apply(["method.name=semi", "train.steps=30"], to: base)
        try Runs.validate(config: composed, source: "run.json")
        #expect(ConfigComposition.value(at: "method.name", in: composed) == .string("semi"))
    }
}
