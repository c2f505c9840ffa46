import MedadNN
import MedadTensor
import MedadZoo

/// A method's trained model as inference sees it: raw voxel scores and image scores for a batch of
/// slices, higher meaning more anomalous. Called in eval mode under `withNoGrad`.
package protocol ScoringModel: Module {
    /// images [B, 1, S, S] with their slice positions in [0, 1] → maps (B·S·S, x fastest) and B image scores.
    func score(_ images: Tensor, positions: [Float]) -> (maps: [Float], images: [Float])
}

/// Per-image pooling of maps [B, 1, S, S] or [B, S, S].
enum TopK {
    /// How many of `count` voxels the top `fraction` keeps (at least one).
    static func count(_ fraction: Double, of count: Int) -> Int { max(1, min(count, Int((fraction * Double(count)).rounded()))) }

    /// Mean of the top `fraction` of each image's values, differentiable through the chosen voxels:
    /// the selection is a constant mask, so gradients reach exactly the top-k voxels (DevNet's pooling).
    static func mean(_ maps: Tensor, fraction: Double) -> Tensor {
        let batch = maps.shape[0], per = maps.count / batch
        let k = count(fraction, of: per)
        let selection = Tensor(shape: maps.shape, repeating: 0)
        maps.withBuffer { values in
            selection.withMutableBuffer { chosen in
                for b in 0..<batch {
                    let largest = TopK.largest(k, of: Array(values[(b * per)..<((b + 1) * per)]))
                    for i in 0..<per where largest[i] { chosen[b * per + i] = 1 }
                }
            }
        }
        return (maps * selection).reshaped([batch, per]).sum(axes: [1]) / Float(k)
    }

    /// Mean of the top `fraction` of each image's values in a flat array of `batch` images.
    static func mean(_ values: [Float], batch: Int, fraction: Double) -> [Float] {
        let per = values.count / batch, k = count(fraction, of: per)
        return (0..<batch).map { b in
            var scratch = Array(values[(b * per)..<((b + 1) * per)])
            scratch.sort(by: >)
            return scratch.prefix(k).reduce(0, +) / Float(k)
        }
    }

    /// Which of `values` are its `k` largest (k ≥ 0), ties at the k-th broken by position, so exactly
    /// min(k, count) are chosen.
    static func largest(_ k: Int, of values: [Float]) -> [Bool] {
        var chosen = [Bool](repeating: false, count: values.count)
        guard k > 0 else { return chosen }
        guard k < values.count else { return [Bool](repeating: true, count: values.count) }
        let threshold = values.sorted()[values.count - k]
        var taken = 0
        for i in values.indices where values[i] > threshold { chosen[i] = true; taken += 1 }
        for i in values.indices where values[i] == threshold && taken < k { chosen[i] = true; taken += 1 }
        return chosen
    }
}
