import MedadSupport

// CutPaste: C.-L. Li, K. Sohn, J. Yoon, T. Pfister, "CutPaste: Self-Supervised Learning for Anomaly
// Detection and Localization", CVPR 2021. A box cut from one place of the image is pasted, unblended,
// at another (here: only onto tissue voxels).
extension AnomalyGenerator {
    func cutPaste(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let mask = canvas.regionMask(patch, ellipsoid: false)
        let size = patch.size
        let origin = canvas.sourceOrigin(size: size, avoid: patch.lo, &random)
        let box = BoxCopy.extract(canvas.image.voxels, dims: canvas.dims, origin: origin, size: size)
        var voxels = canvas.image.voxels
        BoxCopy.write(box, size: size, origin: patch.lo, into: &voxels, dims: canvas.dims, where: mask)
        let shift = (0..<3).map { Double(origin[$0] - patch.lo[$0]) }
        return canvas.finish(voxels, mask: mask, type: .cutpaste,
                             parameters: ["shift_x": shift[0], "shift_y": shift[1], "shift_z": shift[2]])
    }
}
