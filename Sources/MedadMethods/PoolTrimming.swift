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
                var normals = [Float]()
                normals.reserveCapacity(score.count)
                for i in 0..<score.count where target[i] == 0 { normals.append(score[i]) }
                let dropped = Int((share * Double(normals.count)).rounded())
                guard dropped > 0 else { return }
                normals.sort()
                let threshold = normals[normals.count - dropped]
                var firstAbove = normals.count - dropped
                while firstAbove < normals.count && normals[firstAbove] == threshold { firstAbove += 1 }
                var tiesLeft = dropped - (normals.count - firstAbove)
                mask.withMutableBuffer { keep in
                    for i in 0..<score.count where target[i] == 0 {
                        if score[i] > threshold {
                            keep[i] = 0
                        } else if score[i] == threshold && tiesLeft > 0 {
                            keep[i] = 0
                            tiesLeft -= 1
                        }
                    }
                }
            }
        }
        return mask
    }
}
