import Foundation
import MedadTensor
import MedadVolumes

/// Inference of a volumetric model on a whole size³ volume by overlapping patch³ tiles, as nnU-Net
/// predicts ("nnU-Net: a self-configuring method for deep learning-based biomedical image
/// segmentation", Isensee et al., Nature Methods 2021): tiles step by at most patch·(1 − overlap) and
/// cover the volume edge to edge; each tile's map is weighted by a Gaussian of σ = patch/8 centred on
/// the tile, since a network sees least context at a tile's border, and the weighted maps are averaged.
/// Memory: the volume's score and weight sums plus one batch of tiles.
package struct SlidingWindow {
    let side: Int
    let patch: Int
    let batch: Int
    /// Tile origins along each axis.
    package let origins: [Int]
    /// patch³ weights, x fastest.
    let weights: [Float]

    package init(side: Int, patch: Int, overlap: Double = 0.5, batch: Int) {
        precondition(patch <= side && overlap >= 0 && overlap < 1 && batch >= 1,
                     "sliding window: patch \(patch), side \(side), overlap \(overlap), batch \(batch)")
        self.side = side
        self.patch = patch
        self.batch = batch
        let step = Double(patch) * (1 - overlap)
        let tiles = Int((Double(side - patch) / step).rounded(.up)) + 1
        let spacing = tiles > 1 ? Double(side - patch) / Double(tiles - 1) : 0
        origins = (0..<tiles).map { Int((Double($0) * spacing).rounded()) }
        let sigma = Double(patch) / 8, centre = Double(patch - 1) / 2
        let line = (0..<patch).map { exp(-pow(Double($0) - centre, 2) / (2 * sigma * sigma)) }
        var weights = [Float](repeating: 0, count: patch * patch * patch)
        for z in 0..<patch {
            for y in 0..<patch {
                for x in 0..<patch { weights[x + patch * (y + patch * z)] = Float(line[x] * line[y] * line[z]) }
            }
        }
        self.weights = weights
    }

    /// Every tile's origin (x, y, z), z slowest.
    package var tiles: [[Int]] { origins.flatMap { z in origins.flatMap { y in origins.map { x in [x, y, z] } } } }

    /// The Gaussian-weighted average of the tiles' voxel maps over the size³ `volume` (x fastest), and
    /// the highest tile image score (the volume's `head` score, as the highest slice score is in 2D).
    /// Runs the model without gradients; the caller puts it in eval mode.
    package func scores(_ volume: [Float], model: ScoringModel) -> (map: [Float], best: Float) {
        let dims = [side, side, side], extent = [patch, patch, patch], voxels = patch * patch * patch
        var sum = [Float](repeating: 0, count: volume.count), total = [Float](repeating: 0, count: volume.count)
        var best = -Float.infinity
        let all = tiles
        for start in stride(from: 0, to: all.count, by: batch) {
            let chunk = Array(all[start..<min(all.count, start + batch)])
            var input = [Float]()
            input.reserveCapacity(chunk.count * voxels)
            for origin in chunk { input += Preprocess.crop(volume, dims: dims, lower: origin, extent: extent) }
            let scored = withNoGrad {
                model.score(Tensor(shape: [chunk.count, 1, patch, patch, patch], values: input),
                            positions: [Float](repeating: 0.5, count: chunk.count))
            }
            best = max(best, scored.images.max() ?? best)
            for (index, origin) in chunk.enumerated() {
                accumulate(scored.maps, from: index * voxels, at: origin, into: &sum, &total)
            }
        }
        for i in sum.indices { sum[i] /= total[i] }
        return (sum, best)
    }

    /// sum += weight · map and total += weight over the tile at `origin`.
    private func accumulate(_ maps: [Float], from offset: Int, at origin: [Int], into sum: inout [Float], _ total: inout [Float]) {
        maps.withUnsafeBufferPointer { map in
            weights.withUnsafeBufferPointer { weight in
                sum.withUnsafeMutableBufferPointer { sum in
                    total.withUnsafeMutableBufferPointer { total in
                        for z in 0..<patch {
                            for y in 0..<patch {
                                let row = origin[0] + side * (origin[1] + y + side * (origin[2] + z))
                                let tile = patch * (y + patch * z)
                                for x in 0..<patch {
                                    let w = weight[tile + x]
                                    sum[row + x] += w * map[offset + tile + x]
                                    total[row + x] += w
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
