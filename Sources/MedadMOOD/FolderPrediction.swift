// The prediction side of the MICCAI MOOD challenge (github.com/MIC-DKFZ/mood): the challenge's container
// runs a script on a folder of <name>.nii.gz volumes and reads back, from an output folder, <name>.nii.gz
// voxel maps (pixel task) or <name>.nii.gz.txt files holding one number (sample task), clipped to [0, 1].
import Foundation
import MedadAnomalies
import MedadMetrics
import MedadSupport
import MedadVolumes

/// What a model makes of one volume: a voxel map with the input's dims and a volume score, both meant
/// to lie in [0, 1].
public typealias VolumeScoring = (Volume) throws -> (map: Volume, score: Double)

/// One input file's fate, reported as soon as it is known.
public enum PredictionOutcome: Sendable, Equatable {
    case predicted(name: String, score: Double, seconds: Double)
    case failed(name: String, reason: String)
}

/// The result of predicting a folder: how many inputs, and which failed and why.
public struct FolderPrediction: Sendable {
    public let inputs: Int
    public let failures: [(name: String, reason: String)]
}

public enum MOODPrediction {
    /// Where the challenge looks for the prediction of `input`: `<name>.nii.gz` or `<name>.nii.gz.txt`
    /// (a `.nii` input likewise gets `<name>.nii` or `<name>.nii.txt`).
    public static func outputURL(of input: URL, task: MOODTask, in output: URL) -> URL {
        let name = input.lastPathComponent
        return output.appendingPathComponent(task == .pixel ? name : name + ".txt")
    }

    /// Predicts every `*.nii.gz` (and `*.nii`) of `input` into `output`, in name order, one volume in memory at a time. A file that
    /// cannot be read, predicted or written is reported through `report` and skipped; the others still
    /// get their predictions. Only a folder problem (input not listable, output not creatable, output
    /// folder the same as the input folder for the pixel task) throws. `workingCopies`: how many
    /// volume-sized float32 arrays `scoring` holds at its peak, the input's included; a file whose
    /// voxels need more than the memory left is refused before it is read (`Nifti.read`).
    public static func predictFolder(input: URL, output: URL, task: MOODTask, scoring: VolumeScoring, workingCopies: Int = 1,
                                     report: (PredictionOutcome) -> Void = { _ in }) throws -> FolderPrediction {
        let files = try MOODToySet.inputs(in: input)
        if task == .pixel && resolved(input) == resolved(output) {
            throw MedadError("\(output.path): the output folder must differ from the input folder (pixel maps carry the inputs' names)")
        }
        do {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        } catch {
            throw MedadError("\(output.path): cannot create the output folder (\(error.localizedDescription))")
        }
        var failures: [(name: String, reason: String)] = []
        for file in files {
            let name = file.lastPathComponent
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let score = try predictFile(file, to: outputURL(of: file, task: task, in: output), task: task, scoring: scoring,
                                            workingCopies: workingCopies)
                report(.predicted(name: name, score: score, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
            } catch {
                failures.append((name, "\(error)"))
                report(.failed(name: name, reason: "\(error)"))
            }
        }
        return FolderPrediction(inputs: files.count, failures: failures)
    }

    /// Predicts one file and writes its output atomically; returns the volume score. The pixel map is
    /// written with the input's header (shape, pixdim, qform, sform) as float32, clipped to [0, 1].
    public static func predictFile(_ file: URL, to output: URL, task: MOODTask, scoring: VolumeScoring,
                                   workingCopies: Int = 1) throws -> Double {
        let (map, score, header) = try scored(file, scoring: scoring, workingCopies: workingCopies)
        guard score.isFinite else { throw MedadError("\(file.path): the model gave a non-finite volume score") }
        let clipped = min(max(score, 0), 1)
        switch task {
        case .sample:
            try AtomicFile.write("\(clipped)\n", to: output)
        case .pixel:
            var map = map
            guard map.dims == header.dims else {
                throw MedadError("\(file.path): the model's map has dims \(map.dims), the input \(header.dims)")
            }
            map.voxels.withUnsafeMutableBufferPointer { voxels in
                for i in 0..<voxels.count { voxels[i] = min(max(voxels[i], 0), 1) }
            }
            try Nifti.write(map, to: output, like: header)
        }
        return clipped
    }

    private static func resolved(_ folder: URL) -> String { folder.standardizedFileURL.resolvingSymlinksInPath().path }

    /// Reads and scores in a scope of its own so that the input's voxels are freed before the map is
    /// written (at 512³ each copy is 512 MiB).
    private static func scored(_ file: URL, scoring: VolumeScoring, workingCopies: Int) throws -> (Volume, Double, NiftiHeader) {
        let (volume, header) = try Nifti.read(file, workingCopies: workingCopies)
        let (map, score) = try scoring(volume)
        return (map, score, header)
    }
}
