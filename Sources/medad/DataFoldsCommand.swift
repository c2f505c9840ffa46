import ArgumentParser
import Foundation
import MedadAnomalies

struct DataFolds: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "folds",
        abstract: "Cut lesion volumes into axial slices as leave-one-volume-out folds for data.source \"folders\".",
        discussion: """
        Lesion-free slices (no lesion within --margin slices) form the normal pool, slices with lesion voxels \
        the anomalous cases. Writes OUT/fold-<k>/{train,labelled,val,test} (volume k is fold k's test set) and \
        OUT/folds.json with the counts. Each volume is normalised over its head mask, so configs use \
        data.preset "none". Example (the real-pathology development set, after scripts/fetch-realdev.sh):
          medad data folds --out data/realdev-folds \\
            --case glioma=data/realdev/glioma_brats_flair.nii.gz,data/realdev/glioma_brats_seg_model.nii.gz \\
            --case brats2021=data/realdev/brats2021_01646_flair.nii.gz,data/realdev/brats2021_01646_edema.nii.gz \\
            --case stroke=data/realdev/stroke_t2.nii.gz,data/realdev/stroke_t2_lesion.nii.gz
        """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("case"), help: ArgumentHelp("A volume as NAME=IMAGE,MASK (any nonzero mask voxel is lesion).", valueName: "name=image,mask"))
    var cases: [String] = []
    @Option(name: .long, help: "Output folder.") var out: String
    @Option(name: .long, help: "Slice side after padding to a square and resampling.") var size = 128
    @Option(name: .long, help: "Slicing axis (2: axial for RAS-ordered volumes).") var axis = 2
    @Option(name: .long, help: "Lesion-free slices within this many slices of a lesion are left out.") var margin = 3

    func validate() throws {
        guard cases.count >= 2 else { throw ValidationError("--case: give at least two volumes, got \(cases.count)") }
        guard (8...512).contains(size) else { throw ValidationError("--size must be between 8 and 512, got \(size)") }
        guard (0...2).contains(axis) else { throw ValidationError("--axis must be 0, 1 or 2, got \(axis)") }
        guard (0...100).contains(margin) else { throw ValidationError("--margin must be between 0 and 100, got \(margin)") }
    }

    func run() throws {
        global.apply()
        var folds = LesionSliceFolds()
        (folds.size, folds.axis, folds.margin) = (size, axis, margin)
        let parsed = try cases.map { text -> LesionSliceFolds.Case in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            let files = parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : []
            guard parts.count == 2, !parts[0].isEmpty, files.count == 2 else {
                throw ValidationError("--case '\(text)': expected NAME=IMAGE,MASK")
            }
            return .init(name: parts[0], image: URL(fileURLWithPath: files[0]), mask: URL(fileURLWithPath: files[1]))
        }
        for fold in try folds.write(parsed, to: URL(fileURLWithPath: out)) {
            print("test \(fold.test): \(fold.testAnomalous) lesion and \(fold.testNormal) normal slices; train pool \(fold.train), labelled \(fold.labelled), validation \(fold.validation)")
        }
        print("wrote \(parsed.count) folds to \(out)")
    }
}
