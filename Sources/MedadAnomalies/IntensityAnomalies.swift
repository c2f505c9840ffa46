import MedadSupport
import MedadVolumes

// Anomalies that rewrite intensities inside an ellipsoid: the MOOD toy-example sphere (Zimmerer et al.,
// "MOOD 2020: A public benchmark for out-of-distribution detection and localization on medical images"),
// a noise patch and a blurred region.
extension AnomalyGenerator {
    func sphere(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let value = Float(random.uniform(parameters.intensityRange.lowerBound, parameters.intensityRange.upperBound))
        let mask = canvas.regionMask(patch, ellipsoid: true)
        var voxels = canvas.image.voxels
        voxels.withUnsafeMutableBufferPointer { v in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<m.count where m[i] != 0 { v[i] = value }
            }
        }
        return canvas.finish(voxels, mask: mask, type: .sphere, parameters: ["intensity": Double(value)])
    }

    func noise(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let sigma = random.uniform(parameters.noiseRange.lowerBound, parameters.noiseRange.upperBound)
        let mask = canvas.regionMask(patch, ellipsoid: true)
        var voxels = canvas.image.voxels
        voxels.withUnsafeMutableBufferPointer { v in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<m.count where m[i] != 0 { v[i] += Float(sigma * random.nextNormal()) }
            }
        }
        return canvas.finish(voxels, mask: mask, type: .noise, parameters: ["sigma": sigma])
    }

    func blur(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let sigma = random.uniform(parameters.blurSigmaRange.lowerBound, parameters.blurSigmaRange.upperBound)
        let mask = canvas.regionMask(patch, ellipsoid: true)
        // Blur a box padded by the kernel radius so the ellipsoid's rim sees real neighbours.
        let radius = Int((3 * sigma).rounded(.up))
        let dims = canvas.dims
        let lo = (0..<3).map { dims[$0] > 1 ? max(0, patch.lo[$0] - radius) : 0 }
        let hi = (0..<3).map { dims[$0] > 1 ? min(dims[$0], patch.hi[$0] + radius) : 1 }
        let size = (0..<3).map { hi[$0] - lo[$0] }
        var box = BoxCopy.extract(canvas.image.voxels, dims: dims, origin: lo, size: size)
        GaussianBlur.apply(&box, size: size, sigma: sigma)
        var voxels = canvas.image.voxels
        BoxCopy.write(box, size: size, origin: lo, into: &voxels, dims: dims, where: mask)
        return canvas.finish(voxels, mask: mask, type: .blur, parameters: ["sigma": sigma])
    }
}
