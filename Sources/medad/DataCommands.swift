import ArgumentParser
import Foundation
import MedadSupport
import MedadVolumes

/// `medad data …`: inspecting and generating volumes. Other areas add their subcommands to
/// `DataCommand.subcommandList` (one entry each).
struct DataCommand: ParsableCommand {
    static let subcommandList: [ParsableCommand.Type] = [
        DataInfo.self,
        DataFolds.self,
        DataPhantom.self,
        DataAnomalies.self,
        DataSplits.self,
        DataFigure.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect NIfTI volumes and generate data sets.",
        subcommands: subcommandList
    )
}

struct DataInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Shape, spacing, datatype, intensity range and orientation of NIfTI files, one line each.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print a JSON list of {file, shape, spacing, datatype, min, max, orientation}.")
    var json = false
    @Argument(help: "NIfTI files (.nii or .nii.gz).")
    var files: [String]

    func run() throws {
        global.apply()
        var infos: [VolumeInfo] = []
        var failures = 0
        for file in files {
            do {
                infos.append(try VolumeInfo(reading: URL(fileURLWithPath: file)))
                if !json { print(infos.last!.line) }
            } catch {
                FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
                failures += 1
            }
        }
        if json { print(try VolumeInfo.json(infos)) }
        if failures > 0 { throw ExitCode.failure }
    }
}

struct DataPhantom: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Write brain-like MRI phantoms (float32 .nii.gz), deterministic per seed.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Output folder.") var out: String
    @Option(name: .long, help: "Number of phantoms.") var count: Int
    @Option(name: .long, help: "Edge length in voxels (cubic volumes).") var size = 128
    @Option(name: .long, help: "Data set seed.") var seed: UInt64 = 0

    func run() throws {
        global.apply()
        let files = try Phantom.write(to: URL(fileURLWithPath: out), count: count, size: size, seed: seed,
                                      threads: global.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        print("wrote \(files.count) phantoms of \(size)^3 to \(out)")
    }
}
