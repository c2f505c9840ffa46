import ArgumentParser
import Foundation
import MedadAnomalies
import MedadVolumes

struct DataAnomalies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "Write a test set in the MOOD toy layout (toy/, toy_label/pixel, toy_label/sample) from normal volumes.",
        discussion: "Anomaly types: \(AnomalyType.allNames). Each case's type, severity and seed go to toy_label/anomalies.json.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("in"), help: "Folder of normal .nii/.nii.gz volumes.") var input: String
    @Option(name: .long, help: "Output folder.") var out: String
    @Option(name: .long, help: "Comma list of anomaly types, or 'all'.") var types = "all"
    @Option(name: .long, help: "Share of the cases made anomalous (0...1).") var fraction = 0.5
    @Option(name: .long, help: "Seed: which cases, which types and every anomaly.") var seed: UInt64 = 0
    @Option(name: .long, help: ArgumentHelp("Folder of brain masks named like the inputs; anomalies are placed in and clipped to them.",
                                            discussion: "Default: IN/brain_mask when it exists (as `data phantom` writes it), else each input's estimated head mask."))
    var mask: String?

    func run() throws {
        global.apply()
        let builder = try MOODToySet(types: try AnomalyType.parseList(types), fraction: fraction, seed: seed)
        let inputs = try MOODToySet.inputs(in: URL(fileURLWithPath: input))
        let written = URL(fileURLWithPath: input).appendingPathComponent(Phantom.brainMaskFolder)
        let masks = mask.map { URL(fileURLWithPath: $0) } ?? (FileManager.default.fileExists(atPath: written.path) ? written : nil)
        let cases = try builder.build(inputs: inputs, output: URL(fileURLWithPath: out), store: NiftiVolumeStore(), masks: masks)
        let anomalous = cases.filter { $0.label == 1 }.count
        print("wrote \(cases.count) cases (\(anomalous) anomalous) to \(out)/toy, labels in \(out)/toy_label")
    }
}
