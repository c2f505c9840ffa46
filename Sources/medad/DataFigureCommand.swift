import ArgumentParser
import Foundation
import MedadAnomalies
import MedadVolumes

/// `medad data figure …`: pictures of the data sets.
struct DataFigure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Draw figures of the data sets as PNG.",
        subcommands: [DataFigurePhantoms.self, DataFigureAnomalies.self])
}

/// What every data figure takes: the PNG, the phantoms' edge length and the seed.
struct FigureOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "PNG file to write.") var out: String
    @Option(name: .long, help: "Edge length of the phantoms in voxels (16 to 512).") var size = 128
    @Option(name: .long, help: "Seed of the phantoms (and anomalies).") var seed: UInt64 = 0

    func validate() throws {
        guard (16...512).contains(size) else { throw ValidationError("--size must be between 16 and 512, got \(size)") }
    }
}

struct DataFigurePhantoms: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantoms",
        abstract: "A 3 x 3 grid of mid slices of the first nine phantoms of a seed (PNG).")
    @OptionGroup var options: FigureOptions
    @Option(name: .long, help: "Slice plane: axial, coronal or sagittal.") var plane = "axial"

    func validate() throws {
        guard ["axial", "coronal", "sagittal"].contains(plane) else {
            throw ValidationError("--plane must be axial, coronal or sagittal, got \(plane)")
        }
    }

    func run() throws {
        options.global.apply()
        let (size, seed, out) = (options.size, options.seed, options.out)
        var canvas = FigureCanvas(tile: size, columns: 3, rows: 3)
        for k in 0..<9 {
            canvas.paint(Self.slice(Phantom.brain(size: size, seed: seed, index: k).image, plane: plane, index: size / 2),
                         column: k % 3, row: k / 3)
        }
        try canvas.write(to: out)
        print("wrote \(out): \(plane) mid slices of phantoms 0-8 of seed \(seed) at \(size)^3")
    }

    /// Slice `index` of a cube in radiological display: superior (axial) or anterior (coronal,
    /// sagittal) rows first, so the picture reads like a scanner console.
    static func slice(_ volume: Volume, plane: String, index: Int) -> [Float] {
        let n = volume.dims[0]
        var out = [Float](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in 0..<n {
                let up = n - 1 - row
                let (x, y, z) = switch plane {
                case "axial": (column, up, index)
                case "coronal": (column, index, up)
                default: (index, column, up)
                }
                out[row * n + column] = volume.voxels[x + n * (y + n * z)]
            }
        }
        return out
    }
}

struct DataFigureAnomalies: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomalies",
        abstract: "One axial slice per anomaly type on phantoms: the image above, the image with its mask in red below (PNG).")
    @OptionGroup var options: FigureOptions

    func run() throws {
        options.global.apply()
        let (size, seed, out) = (options.size, options.seed, options.out)
        let types = AnomalyType.allCases
        var canvas = FigureCanvas(tile: size, columns: types.count, rows: 2)
        let generator = try AnomalyGenerator()
        for (k, type) in types.enumerated() {
            let (image, labels) = Phantom.brain(size: size, seed: seed, index: k)
            let donor = Phantom.brain(size: size, seed: seed, index: k + types.count).image
            let made = try generator.make(type, on: image, foreground: Phantom.brainMask(labels), donor: donor, seed: seed + UInt64(k))
            // The axial slice holding most of the mask.
            let plane = size * size
            let counts = (0..<size).map { z in made.mask[(z * plane)..<((z + 1) * plane)].reduce(0) { $0 + Int($1) } }
            let z = counts.indices.max { counts[$0] < counts[$1] }!
            let picture = DataFigurePhantoms.slice(made.image, plane: "axial", index: z)
            canvas.paint(picture, column: k, row: 0)
            canvas.paint(picture, column: k, row: 1, overlay: DataFigurePhantoms.slice(made.maskVolume, plane: "axial", index: z))
        }
        try canvas.write(to: out)
        print("wrote \(out): \(types.map(\.rawValue).joined(separator: ", ")) on phantoms of seed \(seed) at \(size)^3")
    }
}
