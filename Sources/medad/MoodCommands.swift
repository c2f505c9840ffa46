import ArgumentParser
import Foundation
import MedadMethods
import MedadMOOD

/// `medad mood …`: the MOOD challenge's submission.
struct Mood: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mood",
        abstract: "MOOD challenge submissions.",
        subcommands: [MoodPackage.self]
    )
}

struct MoodPackage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Write a buildable MOOD submission directory: Dockerfile, run_{sample,pixel}_{brain,abdom}.sh, models, source.",
        discussion: "Build it with `docker build -t NAME DIR`; its README.md says how to test it with and without Docker."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Trained run directory for the brain MRI scripts.") var brain: String
    @Option(help: "Trained run directory for the abdominal CT scripts.") var abdom: String
    @Option(help: "Output directory (must not exist, or be empty).") var out: String
    @Option(help: "medad's source tree, copied in for the image's build stage.") var source = "."

    func run() throws {
        global.apply()
        let output = URL(fileURLWithPath: out)
        try SubmissionDirectory.write(models: [.brain: URL(fileURLWithPath: brain), .abdom: URL(fileURLWithPath: abdom)],
                                      source: URL(fileURLWithPath: source), to: output) { _ = try Runs.predictor(for: $0) }
        print("wrote \(output.path): docker build -t mood-medad \(output.path)")
    }
}
