import MedadSupport
import MedadVolumes

// Foreign patch interpolation (FPI): J. Tan, B. Hou, J. Batten, H. Qiu, B. Kainz, "Detecting Outliers
// with Foreign Patch Interpolation", arXiv:2011.04197 (2020). A box of the image is replaced by the linear
// interpolation (1 - alpha) * image + alpha * donor, the donor patch coming from another normal image at
// the same position (or, without a donor, from elsewhere in the same image).
extension AnomalyGenerator {
    func foreignPatchInterpolation(_ canvas: AnomalyCanvas, donor: Volume?, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let alpha = Float(random.uniform(parameters.blendRange.lowerBound, parameters.blendRange.upperBound))
        let mask = canvas.regionMask(patch, ellipsoid: false)
        let size = patch.size
        let source = canvas.foreignSource(for: patch, donor: donor, &random)
        var box = BoxCopy.extract(canvas.image.voxels, dims: canvas.dims, origin: patch.lo, size: size)
        let foreign = BoxCopy.extract(source.voxels, dims: canvas.dims, origin: source.origin, size: size)
        box.withUnsafeMutableBufferPointer { b in
            foreign.withUnsafeBufferPointer { f in
                for i in 0..<b.count { b[i] = (1 - alpha) * b[i] + alpha * f[i] }
            }
        }
        var voxels = canvas.image.voxels
        BoxCopy.write(box, size: size, origin: patch.lo, into: &voxels, dims: canvas.dims, where: mask)
        return canvas.finish(voxels, mask: mask, type: .fpi, parameters: ["alpha": Double(alpha)])
    }
}

extension AnomalyCanvas {
    /// Where the foreign content of FPI/PII comes from: the donor at the patch's own position, or this
    /// image at another tissue position.
    func foreignSource(for patch: Patch, donor: Volume?, _ random: inout SeededRandom) -> (voxels: [Float], origin: [Int]) {
        if let donor { return (donor.voxels, patch.lo) }
        return (image.voxels, sourceOrigin(size: patch.size, avoid: patch.lo, &random))
    }
}
