import MedadSupport
import MedadVolumes

/// An axis-aligned patch: centre, half extents (0 along z for slices) and its box clipped to the image.
struct Patch {
    var center: [Int]
    /// Sub-voxel shift of the ellipsoid's centre from `center` (zero unless asked for).
    var shift: [Double] = [0, 0, 0]
    var radii: [Int]
    /// Inclusive lower and exclusive upper corners of the clipped box.
    var lo: [Int]
    var hi: [Int]

    var size: [Int] { (0..<3).map { hi[$0] - lo[$0] } }
}

/// The image being altered plus the brain (or tissue) mask that anomalies are placed in and clipped
/// to, as MOOD's are: a change in the background is trivially detectable and no lesion lies there.
struct AnomalyCanvas {
    let image: Volume
    let foreground: [UInt8]
    let foregroundCount: Int

    var dims: [Int] { image.dims }

    /// Without a mask the head is estimated (`Preprocess.headMask`): a fixed intensity threshold would
    /// take the Rician background noise of MRI for tissue.
    init(image: Volume, foreground: [UInt8]?) throws {
        self.image = image
        if let foreground {
            guard foreground.count == image.count else {
                throw MedadError("brain mask: \(foreground.count) voxels, the image has \(image.count)")
            }
            self.foreground = VoxelMask.binarised(foreground)
        } else {
            self.foreground = Preprocess.headMask(image).voxels.map { $0 != 0 ? 1 : 0 }
        }
        foregroundCount = VoxelMask.count(self.foreground)
        guard foregroundCount > 0 else {
            throw MedadError(foreground == nil ? "image has no foreground (its head mask is empty); cannot place an anomaly"
                                               : "brain mask is empty; cannot place an anomaly")
        }
    }

    /// A uniformly chosen tissue voxel as [x, y, z].
    func randomForegroundVoxel(_ random: inout SeededRandom) -> [Int] {
        let index = foreground.withUnsafeBufferPointer { fg -> Int in
            // Tissue is usually a large share of the image: a few random probes beat a full scan.
            for _ in 0..<64 {
                let probe = random.nextInt(fg.count)
                if fg[probe] != 0 { return probe }
            }
            var remaining = random.nextInt(foregroundCount)
            for i in 0..<fg.count where fg[i] != 0 {
                if remaining == 0 { return i }
                remaining -= 1
            }
            return 0
        }
        let nx = dims[0], ny = dims[1]
        return [index % nx, (index / nx) % ny, index / (nx * ny)]
    }

    /// Mean and standard deviation of the tissue intensities: the scale of an intensity anomaly's contrast.
    func foregroundMeanAndStd() -> (mean: Double, std: Double) {
        var sum = 0.0, squares = 0.0
        image.voxels.withUnsafeBufferPointer { v in
            foreground.withUnsafeBufferPointer { fg in
                for i in 0..<v.count where fg[i] != 0 {
                    sum += Double(v[i])
                    squares += Double(v[i]) * Double(v[i])
                }
            }
        }
        let mean = sum / Double(foregroundCount)
        return (mean, max(0, squares / Double(foregroundCount) - mean * mean).squareRoot())
    }

    /// A patch centred on `center` (a random tissue voxel when nil) with per-axis extents drawn from `sizeRange`.
    /// `minimumRadius` bounds the half extents from below; `subvoxel` shifts the ellipsoid centre by up to
    /// half a voxel so that no voxel sits exactly at its centre or on its rim.
    func samplePatch(sizeRange: ClosedRange<Double>, center: [Int]? = nil, minimumRadius: Int = 1, subvoxel: Bool = false,
                     _ random: inout SeededRandom) -> Patch {
        let c = center ?? randomForegroundVoxel(&random)
        var radii = [0, 0, 0], lo = [0, 0, 0], hi = [1, 1, 1]
        for a in 0..<3 where dims[a] > 1 {
            let extent = random.uniform(sizeRange.lowerBound, sizeRange.upperBound) * Double(dims[a])
            radii[a] = max(minimumRadius, Int((0.5 * extent).rounded()))
            lo[a] = max(0, c[a] - radii[a])
            hi[a] = min(dims[a], c[a] + radii[a] + 1)
        }
        var patch = Patch(center: c, radii: radii, lo: lo, hi: hi)
        if subvoxel {
            for a in 0..<3 where dims[a] > 1 { patch.shift[a] = random.uniform(-0.5, 0.5) }
        }
        return patch
    }

    /// Tissue voxels of the patch's ellipsoid (or whole box), as a full-size 0/1 mask.
    func regionMask(_ patch: Patch, ellipsoid: Bool) -> [UInt8] {
        var mask = [UInt8](repeating: 0, count: image.count)
        let nx = dims[0], ny = dims[1]
        let inverse = patch.radii.map { $0 > 0 ? 1.0 / Double($0) : 0.0 }
        foreground.withUnsafeBufferPointer { fg in
            mask.withUnsafeMutableBufferPointer { m in
                for z in patch.lo[2]..<patch.hi[2] {
                    let dz = (Double(z - patch.center[2]) - patch.shift[2]) * inverse[2]
                    for y in patch.lo[1]..<patch.hi[1] {
                        let dy = (Double(y - patch.center[1]) - patch.shift[1]) * inverse[1]
                        let row = nx * (y + ny * z)
                        for x in patch.lo[0]..<patch.hi[0] {
                            let dx = (Double(x - patch.center[0]) - patch.shift[0]) * inverse[0]
                            if ellipsoid && dx * dx + dy * dy + dz * dz > 1 { continue }
                            m[row + x] = fg[row + x]
                        }
                    }
                }
            }
        }
        return mask
    }

    /// The origin of a box of `size` elsewhere in the tissue, shifted from `avoid` by at least half
    /// the box along some axis when the image allows it (a source patch for CutPaste and self-FPI/PII).
    func sourceOrigin(size: [Int], avoid: [Int], _ random: inout SeededRandom) -> [Int] {
        var best = avoid
        var bestShift = 0
        for _ in 0..<32 {
            let s = randomForegroundVoxel(&random)
            let origin = (0..<3).map { (a: Int) -> Int in min(max(0, s[a] - size[a] / 2), dims[a] - size[a]) }
            let shift = (0..<3).map { abs(origin[$0] - avoid[$0]) }.max() ?? 0
            let wanted = (0..<3).filter { dims[$0] > 1 }.map { max(1, size[$0] / 2) }.min() ?? 1
            if shift >= wanted { return origin }
            if shift > bestShift { best = origin; bestShift = shift }
        }
        return best
    }

    /// Packages the altered voxels: severity is the mean absolute change over the mask.
    func finish(_ voxels: [Float], mask: [UInt8], type: AnomalyType, parameters: [String: Double]) -> SyntheticAnomaly {
        var total = 0.0
        var count = 0
        image.voxels.withUnsafeBufferPointer { before in
            voxels.withUnsafeBufferPointer { after in
                mask.withUnsafeBufferPointer { m in
                    for i in 0..<m.count where m[i] != 0 {
                        total += Double(abs(after[i] - before[i]))
                        count += 1
                    }
                }
            }
        }
        let altered = Volume(dims: image.dims, spacing: image.spacing, voxels: voxels)
        return SyntheticAnomaly(image: altered, mask: mask, type: type,
                                severity: count > 0 ? total / Double(count) : 0, parameters: parameters)
    }
}
