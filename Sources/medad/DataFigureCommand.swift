import ArgumentParser
import Foundation
import MedadExperiments
import MedadVolumes

/// `medad data figure …`: pictures of the data sets.
struct DataFigure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figure",
        abstract: "Draw figures of the data sets as PNG.",
        subcommands: [DataFigurePhantoms.self])
}

struct DataFigurePhantoms: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantoms",
        abstract: "A 3 x 3 grid of mid slices of the first nine phantoms of a seed (PNG).")
    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "PNG file to write.") var out: String
    @Option(name: .long, help: "Edge length of the phantoms in voxels.") var size = 128
    @Option(name: .long, help: "Data set seed.") var seed: UInt64 = 0
    @Option(name: .long, help: "Slice plane: axial, coronal or sagittal.") var plane = "axial"

    func validate() throws {
        guard ["axial", "coronal", "sagittal"].contains(plane) else {
            throw ValidationError("--plane must be axial, coronal or sagittal, got \(plane)")
        }
        guard (8...512).contains(size) else { throw ValidationError("--size must be between 8 and 512, got \(size)") }
    }

    func run() throws {
        global.apply()
        let gap = 4, side = 3, n = size
        let width = side * n + (side - 1) * gap
        var pixels = [UInt8](repeating: 0, count: width * width * 3)
        let slices = (0..<side * side).map { slice(Phantom.brain(size: n, seed: seed, index: $0).image) }
        for (k, values) in slices.enumerated() {
            // Window each slice to its own 99.5th percentile, as a viewer's auto-contrast would.
            let white = values.sorted()[values.count * 995 / 1000]
            let left = (k % side) * (n + gap), top = (k / side) * (n + gap)
            for row in 0..<n {
                for column in 0..<n {
                    let grey = UInt8((min(max(values[row * n + column] / white, 0), 1) * 255).rounded())
                    let offset = ((top + row) * width + left + column) * 3
                    pixels[offset] = grey
                    pixels[offset + 1] = grey
                    pixels[offset + 2] = grey
                }
            }
        }
        try PNGEncoder.rgb(width: width, height: width, pixels: pixels).write(to: URL(fileURLWithPath: out))
        print("wrote \(out): \(plane) mid slices of phantoms 0-8 of seed \(seed) at \(size)^3")
    }

    /// The mid slice in radiological display: superior (axial) or anterior (coronal, sagittal) rows
    /// first, so the picture reads like a scanner console.
    private func slice(_ volume: Volume) -> [Float] {
        let n = size, mid = n / 2
        var out = [Float](repeating: 0, count: n * n)
        for row in 0..<n {
            for column in 0..<n {
                let up = n - 1 - row
                let (x, y, z) = switch plane {
                case "axial": (column, up, mid)
                case "coronal": (column, mid, up)
                default: (mid, column, up)
                }
                out[row * n + column] = volume.voxels[x + n * (y + n * z)]
            }
        }
        return out
    }
}
