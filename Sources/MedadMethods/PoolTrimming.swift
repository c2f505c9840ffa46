import MedadTensor

/// Which assumed-normal pixels a batch keeps in its loss when the unlabelled pool may hold anomalies.
package enum PoolTrimming {
    /// 1 for the pixels to keep, 0 for the top `share` of the target-0 pixels by score, taken over the
    /// whole batch (one contaminated slice may lose many pixels, a clean one none). Pixels with a
    /// positive target are always kept. Ties at the threshold are broken by position, so exactly
    /// round(share · normals) pixels are dropped.
    package static func kept(scores: Tensor, targets: Tensor, share: Double) -> Tensor {
        precondition(scores.shape == targets.shape, "PoolTrimming: scores \(scores.shape) and targets \(targets.shape) differ")
        let mask = Tensor(shape: scores.shape, repeating: 1)
        scores.withBuffer { score in
            targets.withBuffer { target in
                var normals = [Int](), values = [Float]()
                normals.reserveCapacity(score.count)
                values.reserveCapacity(score.count)
                for i in 0..<score.count where target[i] == 0 {
                    normals.append(i)
                    values.append(score[i])
                }
                let dropped = TopK.largest(Int((share * Double(normals.count)).rounded()), of: values)
                mask.withMutableBuffer { keep in
                    for (j, i) in normals.enumerated() where dropped[j] { keep[i] = 0 }
                }
            }
        }
        return mask
    }
}
