import Foundation
import MedadConfig
import MedadMethods
import MedadSupport
import Testing

/// The method registry: every method's parameters are listed with their defaults and help, a config's
/// resolved `method` section holds exactly them, and a parameter of another method is refused.
struct MethodRegistryTests {
    private func run(_ method: String) throws -> RunConfig {
        try RunConfig(JSONParser.parse(#"{"method": {"name": "\#(method)"}}"#, source: "cfg"), source: "cfg")
    }

    @Test func everyListedParameterHasHelpAndTheListingMatchesTheResolvedConfig() throws {
        let all = MethodDescription.all
        #expect(all.map(\.name) == ["ae", "synth", "deepsad", "devnet", "semi", "intensity", "supervised", "ddpm"])
        for method in all {
            for parameter in method.parameters {
                #expect(!parameter.help.isEmpty, "\(method.name).\(parameter.key) has no help")
            }
            guard case .object(let resolved)? = ConfigComposition.value(at: "method", in: try run(method.name).resolved) else {
                Issue.record("\(method.name): no resolved method section"); continue
            }
            #expect(resolved.keys == ["name", "label"] + method.parameters.map(\.key))
            for parameter in method.parameters {
                #expect(resolved[parameter.key]!.canonical == parameter.defaultValue, "\(method.name).\(parameter.key)")
            }
        }
    }

    @Test func knownDefaultsAndLearningRates() {
        let byName = Dictionary(uniqueKeysWithValues: MethodDescription.all.map { ($0.name, $0) })
        #expect(byName["devnet"]?.defaultLearningRate == 1e-4)
        #expect(byName["intensity"]?.defaultLearningRate == nil)
        #expect(byName["supervised"]?.usesLabels == true && byName["synth"]?.usesLabels == false)
        let semi = byName["semi"]!.parameters
        #expect(semi.first { $0.key == "confident_high" }?.defaultValue == "0.9")
        #expect(semi.first { $0.key == "teacher" }?.defaultValue == "true")
        // The global intensity reference has no positions, so it reads (and lists) no position_bins.
        let global = try? RunConfig(JSONParser.parse(#"{"method": {"name": "intensity", "reference": "global"}}"#, source: "cfg"), source: "cfg")
        #expect(global.flatMap { ConfigComposition.value(at: "method.position_bins", in: $0.resolved) } == nil)
    }

    @Test func resolvedConfigReadsBackUnchanged() throws {
        let text = #"{"method": {"name": "semi", "teacher": false, "pseudo_weight": 2, "label": "semi-nt"}}"#
        let first = try RunConfig(JSONParser.parse(text, source: "cfg"), source: "cfg").resolved
        let second = try RunConfig(first, source: "resolved").resolved
        #expect(first == second)
        #expect(ConfigComposition.value(at: "method.pseudo_weight", in: first) == .number(2))
        #expect(ConfigComposition.value(at: "method.label", in: first) == .string("semi-nt"))
    }

    @Test func anotherMethodsParameterIsAnUnknownKeyWithItsPath() {
        let error = #expect(throws: MedadError.self) {
            try RunConfig(JSONParser.parse(#"{"method": {"name": "synth", "eta": 2}}"#, source: "cfg.json"), source: "cfg.json")
        }
        #expect(error?.description.hasPrefix("cfg.json: method.eta: unknown key") == true)
        #expect(error?.description.contains("allowed keys: density, dice_weight, label, name, top_k, trim_pool") == true)
    }
}
