import MedadSupport

// Two structure-preserving patch anomalies: a box replaced by its left-right mirrored contralateral box
// (breaks the brain's bilateral symmetry while keeping plausible texture), and a box whose sub-blocks
// are permuted (local texture intact, layout wrong).
extension AnomalyGenerator {
    func mirror(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let nx = canvas.dims[0]
        // Prefer a box that does not overlap its own mirror image, else the change is tiny.
        var patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        var bestGap = Int.min
        for _ in 0..<32 {
            let candidate = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
            let gap = max((nx - candidate.hi[0]) - candidate.hi[0], candidate.lo[0] - (nx - candidate.lo[0]))
            if gap > bestGap { patch = candidate; bestGap = gap }
            if gap >= 0 { break }
        }
        let mask = canvas.regionMask(patch, ellipsoid: false)
        let size = patch.size
        let mirroredOrigin = [nx - patch.hi[0], patch.lo[1], patch.lo[2]]
        let box = BoxCopy.extract(canvas.image.voxels, dims: canvas.dims, origin: mirroredOrigin, size: size, flipX: true)
        var voxels = canvas.image.voxels
        BoxCopy.write(box, size: size, origin: patch.lo, into: &voxels, dims: canvas.dims, where: mask)
        return canvas.finish(voxels, mask: mask, type: .mirror, parameters: ["overlap_free": bestGap >= 0 ? 1 : 0])
    }

    func shuffle(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        var patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let grid = parameters.shuffleGrid.lowerBound + random.nextInt(parameters.shuffleGrid.count)
        // Trim the box to whole cells so every masked voxel is moved.
        let cells = (0..<3).map { min(grid, patch.size[$0]) }
        let cell = (0..<3).map { patch.size[$0] / cells[$0] }
        for a in 0..<3 { patch.hi[a] = patch.lo[a] + cells[a] * cell[a] }
        let mask = canvas.regionMask(patch, ellipsoid: false)
        let size = patch.size
        let cellCount = cells[0] * cells[1] * cells[2]
        var permutation = Array(0..<cellCount)
        for i in stride(from: cellCount - 1, to: 0, by: -1) {
            permutation.swapAt(i, random.nextInt(i + 1))
        }
        if cellCount > 1 && permutation == Array(0..<cellCount) { permutation.swapAt(0, 1) }
        let original = BoxCopy.extract(canvas.image.voxels, dims: canvas.dims, origin: patch.lo, size: size)
        var shuffled = original
        original.withUnsafeBufferPointer { o in
            shuffled.withUnsafeMutableBufferPointer { s in
                var j = 0
                for z in 0..<size[2] {
                    for y in 0..<size[1] {
                        for x in 0..<size[0] {
                            let target = x / cell[0] + cells[0] * (y / cell[1] + cells[1] * (z / cell[2]))
                            let source = permutation[target]
                            let sx = (source % cells[0]) * cell[0] + x % cell[0]
                            let sy = ((source / cells[0]) % cells[1]) * cell[1] + y % cell[1]
                            let sz = (source / (cells[0] * cells[1])) * cell[2] + z % cell[2]
                            s[j] = o[sx + size[0] * (sy + size[1] * sz)]
                            j += 1
                        }
                    }
                }
            }
        }
        var voxels = canvas.image.voxels
        BoxCopy.write(shuffled, size: size, origin: patch.lo, into: &voxels, dims: canvas.dims, where: mask)
        return canvas.finish(voxels, mask: mask, type: .shuffle, parameters: ["grid": Double(grid)])
    }
}
