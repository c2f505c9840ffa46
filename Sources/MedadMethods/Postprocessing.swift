// The post-processing reconstruction-based brain MRI methods apply to their anomaly maps before
// scoring (C. Baur et al., MedIA 2021; F. Behrendt et al., "Patched Diffusion Models for Unsupervised
// Anomaly Detection in Brain MRI", MIDL 2023, pDDPM, and its conditioned successor cDDPM): the brain
// mask, a median filter, and the removal of small connected components of the thresholded map.
import MedadMetrics
import MedadSupport
import MedadVolumes

/// `eval.postprocess` on a calibrated voxel map, in this order:
/// 1. `mask`: scores outside `brain` become 0 (the calibrated minimum);
/// 2. `median`: a median filter of side `median` (a cube in volumes, a square in slices; the window is
///    clipped at the border, and an even count of values takes the mean of the middle two), then the
///    mask again, so that no score leaks out of the brain;
/// 3. `min_component`: the map is binarised at `threshold` (≥ is anomalous), and the voxels of its
///    connected components (26-connectivity, 8 in slices) smaller than `min_component` voxels get 0.
public enum Postprocessing {
    public static func apply(_ config: PostprocessConfig, to map: Volume, brain: Volume?, threshold: Float) throws -> Volume {
        var out = map
        if config.mask {
            guard let brain, brain.dims == map.dims else {
                throw MedadError("eval.postprocess.mask: the brain mask's dims \(brain?.dims ?? []) differ from the map's \(map.dims)")
            }
            zeroOutside(&out, brain)
        }
        if config.median > 0 {
            out = Preprocess.denoise(out, .median(radius: config.median / 2))
            // The filter spreads brain scores a voxel or two into the background: mask again.
            if config.mask, let brain { zeroOutside(&out, brain) }
        }
        if config.minComponent > 0 {
            try removeSmallComponents(&out, minimum: config.minComponent, threshold: threshold)
        }
        return out
    }

    private static func zeroOutside(_ map: inout Volume, _ brain: Volume) {
        brain.voxels.withUnsafeBufferPointer { inside in
            map.voxels.withUnsafeMutableBufferPointer { scores in
                for i in 0..<scores.count where inside[i] == 0 { scores[i] = 0 }
            }
        }
    }

    private static func removeSmallComponents(_ map: inout Volume, minimum: Int, threshold: Float) throws {
        var above = [UInt8](repeating: 0, count: map.count)
        map.voxels.withUnsafeBufferPointer { scores in
            above.withUnsafeMutableBufferPointer { binary in
                for i in 0..<scores.count where scores[i] >= threshold { binary[i] = 1 }
            }
        }
        let components = try ConnectedComponents(mask: above, dims: map.dims)
        guard components.count > 0 else { return }
        var small = components.sizes.map { $0 < minimum }
        small[0] = false
        components.labels.withUnsafeBufferPointer { labels in
            small.withUnsafeBufferPointer { drop in
                map.voxels.withUnsafeMutableBufferPointer { scores in
                    for i in 0..<scores.count where drop[Int(labels[i])] { scores[i] = 0 }
                }
            }
        }
    }
}
