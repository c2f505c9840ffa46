import MedadSupport
import MedadTensor

/// pDDPM's boxes: squares of side round(patch·S) on a grid whose step leaves `overlap` of a box to its
/// neighbour, the last row and column flush with the slice's edge, so every pixel is covered.
package enum PatchGrid {
    package struct Box: Equatable { package let row: Int, column: Int, side: Int }

    static func side(size: Int, patch: Double) -> Int { max(1, min(size, Int((patch * Double(size)).rounded()))) }

    package static func boxes(size: Int, patch: Double, overlap: Double) -> [Box] {
        let side = side(size: size, patch: patch)
        let step = max(1, Int((Double(side) * (1 - overlap)).rounded()))
        var starts = Array(stride(from: 0, through: size - side, by: step))
        if starts.last != size - side { starts.append(size - side) }
        return starts.flatMap { row in starts.map { Box(row: row, column: $0, side: side) } }
    }

    /// A box drawn uniformly among the positions that keep it inside the slice (training).
    static func random(size: Int, patch: Double, _ rng: inout SeededRandom) -> Box {
        let side = side(size: size, patch: patch)
        return Box(row: rng.nextInt(size - side + 1), column: rng.nextInt(size - side + 1), side: side)
    }

    /// 1 inside the box, 0 outside: [1, 1, S, S].
    static func mask(_ box: Box, size: Int) -> Tensor {
        masks([box], size: size)
    }

    /// One mask per box, stacked: [B, 1, S, S].
    static func masks(_ boxes: [Box], size: Int) -> Tensor {
        var values = [Float](repeating: 0, count: boxes.count * size * size)
        for (b, box) in boxes.enumerated() {
            for r in box.row..<(box.row + box.side) {
                let first = b * size * size + r * size + box.column
                for c in first..<(first + box.side) { values[c] = 1 }
            }
        }
        return Tensor(shape: [boxes.count, 1, size, size], values: values)
    }
}
