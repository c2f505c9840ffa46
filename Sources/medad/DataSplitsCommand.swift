import ArgumentParser
import Foundation
import MedadAnomalies

struct DataSplits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splits",
        abstract: "Write the open-set semi-supervised split manifest (JSON) for the volumes of a folder.",
        discussion: """
        Subjects are the file names of the folder's .nii/.nii.gz volumes without extension. The manifest fixes \
        train/validation/test subjects, the training contamination and revealed labels, and every anomaly's \
        type and seed; its hash identifies it in run records. Anomaly types: \(AnomalyType.allNames).
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("in"), help: "Folder of the data set's volumes.") var input: String
    @Option(name: .long, help: "Manifest file to write (.json).") var out: String
    @Option(name: .long, help: "Seen anomaly types (comma list): training contamination and test.") var seen: String
    @Option(name: .long, help: "Unseen anomaly types (comma list): test only.") var unseen: String
    @Option(name: .long, help: "Synthetic generators methods train with (comma list); none may be unseen.")
    var generators: String?
    @Option(name: .customLong("validation-types"), help: "Types of the validation anomalies (default: the seen types).")
    var validationTypes: String?
    @Option(name: .long, help: "Contamination rate c of the training pool.") var contamination = 0.1
    @Option(name: .customLong("label-ratio"), help: "Share r of the training pool whose labels are revealed.")
    var labelRatio = 0.1
    @Flag(name: .customLong("reveal-masks"), help: "Also reveal the voxel masks of labelled anomalous training subjects.")
    var revealMasks = false
    @Option(name: .customLong("validation-fraction"), help: "Share of subjects for validation.") var validationFraction = 0.15
    @Option(name: .customLong("test-fraction"), help: "Share of subjects for test.") var testFraction = 0.25
    @Option(name: .customLong("validation-anomalies"), help: "Share of validation cases made anomalous.")
    var validationAnomalies = 0.5
    @Option(name: .customLong("test-anomalies"), help: "Share of test cases made anomalous.") var testAnomalies = 0.5
    @Flag(name: .customLong("allow-overlap"), help: "Permit generators/validation types that are unseen test types.")
    var allowOverlap = false
    @Option(name: .long, help: "Seed of the whole manifest.") var seed: UInt64 = 0

    func run() throws {
        global.apply()
        let subjects = try MOODToySet.inputs(in: URL(fileURLWithPath: input)).map(NiftiNames.stem(of:))
        let config = SplitProtocol(
            seenTypes: try AnomalyType.parseList(seen, key: "--seen"),
            unseenTypes: try AnomalyType.parseList(unseen, key: "--unseen"),
            trainingGenerators: try generators.map { try AnomalyType.parseList($0, key: "--generators") } ?? [],
            validationTypes: try validationTypes.map { try AnomalyType.parseList($0, key: "--validation-types") },
            seed: seed, validationFraction: validationFraction, testFraction: testFraction,
            contamination: contamination, labelRatio: labelRatio, revealMasks: revealMasks,
            validationAnomalyFraction: validationAnomalies, testAnomalyFraction: testAnomalies,
            allowOverlap: allowOverlap)
        let manifest = try SplitManifest.make(subjects: subjects, config: config)
        try manifest.write(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(manifest.train.count) train (\(manifest.train.filter(\.contaminated).count) contaminated, "
              + "\(manifest.train.filter(\.labelRevealed).count) labelled), \(manifest.validation.count) validation, "
              + "\(manifest.test.count) test; hash \(manifest.hash)")
    }
}
