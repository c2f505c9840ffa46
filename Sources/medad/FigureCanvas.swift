import Foundation
import MedadExperiments

/// Square grey tiles on a black RGB canvas, for the data figures.
struct FigureCanvas {
    let tile: Int, columns: Int, rows: Int, gap: Int
    var pixels: [UInt8]
    var width: Int { columns * tile + (columns - 1) * gap }
    var height: Int { rows * tile + (rows - 1) * gap }

    init(tile: Int, columns: Int, rows: Int, gap: Int = 4) {
        (self.tile, self.columns, self.rows, self.gap) = (tile, columns, rows, gap)
        pixels = []
        pixels = [UInt8](repeating: 0, count: width * height * 3)
    }

    /// Paints `values` (tile × tile, first row on top) at column, row, windowed to the slice's own
    /// 99.5th percentile as a viewer's auto-contrast would; `overlay` voxels are tinted red.
    mutating func paint(_ values: [Float], column: Int, row: Int, overlay: [Float]? = nil) {
        let white = max(values.sorted()[values.count * 995 / 1000], .leastNormalMagnitude)
        let left = column * (tile + gap), top = row * (tile + gap)
        for y in 0..<tile {
            for x in 0..<tile {
                let i = y * tile + x
                let grey = min(max(values[i] / white, 0), 1) * 255
                let marked = (overlay?[i] ?? 0) > 0.5
                let offset = ((top + y) * width + left + x) * 3
                pixels[offset] = UInt8((marked ? 0.45 * grey + 140 : grey).rounded())
                pixels[offset + 1] = UInt8((marked ? 0.45 * grey : grey).rounded())
                pixels[offset + 2] = UInt8((marked ? 0.45 * grey : grey).rounded())
            }
        }
    }

    func write(to path: String) throws {
        try PNGEncoder.rgb(width: width, height: height, pixels: pixels).write(to: URL(fileURLWithPath: path))
    }
}
