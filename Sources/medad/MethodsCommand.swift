import ArgumentParser
import Foundation
import MedadMethods
import MedadSupport

struct Methods: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the methods a run config can name (method.name), with each one's parameters and defaults.")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print a JSON list instead of text.") var json = false
    @Argument(help: "Only these methods (default: all).") var names: [String] = []

    func run() throws {
        global.apply()
        let all = MethodDescription.all
        if let unknown = names.first(where: { name in !all.contains { $0.name == name } }) {
            throw MedadError("no method named '\(unknown)'; methods: \(all.map(\.name).joined(separator: ", "))")
        }
        let chosen = names.isEmpty ? all : all.filter { names.contains($0.name) }
        if json {
            try printJSON(chosen.map { method in
                ["name": method.name, "summary": method.summary, "uses_labels": method.usesLabels,
                 "default_lr": method.defaultLearningRate.map { $0 as Any } ?? NSNull(),
                 "volumetric": method.planarOnly == nil, "planar_only_because": method.planarOnly.map { $0 as Any } ?? NSNull(),
                 "parameters": method.parameters.map { ["key": $0.key, "default": $0.defaultValue, "expected": $0.expected, "help": $0.help] }]
                    as [String: Any]
            })
            return
        }
        for method in chosen {
            let lr = method.defaultLearningRate.map { "train.lr default \($0)" } ?? "no trainable weights"
            print("\(method.name): \(method.summary)")
            let dims = method.planarOnly.map { "2D backbones only (\($0))" } ?? "2D and volumetric backbones"
            print("  \(method.usesLabels ? "reads revealed labels" : "ignores labels"); \(lr); \(dims)")
            for parameter in method.parameters {
                print("  method.\(parameter.key) = \(parameter.defaultValue)  (\(parameter.expected))")
                print("      \(parameter.help)")
            }
        }
    }
}
