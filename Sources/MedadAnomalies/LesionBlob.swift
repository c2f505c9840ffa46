import CKernels
import MedadSupport

// Lesion-like blobs: smooth, irregular masks filled with a textured hyper- or hypo-intensity, the kind
// of synthetic anomaly the strongest MOOD entries train on (F. Marimont, G. Tarroni, MOOD 2022 winner;
// H. M. Schlüter et al., "Natural Synthetic Anomalies", ECCV 2022) instead of rectangles of another image.
// The rim is an ellipsoid whose radius, per direction, is scaled by OpenSimplex noise; inside, the image
// is blended towards a level a few foreground standard deviations above (or below) the foreground mean,
// most strongly at the centre, so that the edge fades as real lesions' do.
extension AnomalyGenerator {
    func blob(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, minimumRadius: 2, &random)
        var table = ck_simplex_table()
        ck_simplex_table_init(&table, Int64(random.nextInt(1 << 30)))
        // Up to half of the radius wanders with the noise; the centre voxel stays inside at any setting.
        let roughness = random.uniform(0.2, 0.5)
        let bright = random.nextDouble() < 0.7
        let contrast = random.uniform(1.5, 4)
        let opacity = Float(random.uniform(0.6, 1))
        let (mean, std) = canvas.foregroundMeanAndStd()
        let level = Float(max(0, mean + (bright ? contrast : -contrast) * std))
        let grain = Float(0.3 * std)
        let active = (0..<3).filter { patch.radii[$0] > 0 }
        // The rim's wavelength is about half the blob's mean radius: a few lobes, not fringes.
        let wavelength = 0.5 * Double(active.map { patch.radii[$0] }.reduce(0, +)) / Double(max(1, active.count))
        let inverse = patch.radii.map { $0 > 0 ? 1.0 / Double($0) : 0.0 }
        let dims = canvas.dims, nx = dims[0], ny = dims[1]
        var voxels = canvas.image.voxels
        var mask = [UInt8](repeating: 0, count: voxels.count)
        canvas.foreground.withUnsafeBufferPointer { fg in
            mask.withUnsafeMutableBufferPointer { m in
                voxels.withUnsafeMutableBufferPointer { v in
                    for z in patch.lo[2]..<patch.hi[2] {
                        let dz = Double(z - patch.center[2]) * inverse[2]
                        for y in patch.lo[1]..<patch.hi[1] {
                            let dy = Double(y - patch.center[1]) * inverse[1]
                            let row = nx * (y + ny * z)
                            for x in patch.lo[0]..<patch.hi[0] where fg[row + x] != 0 {
                                let dx = Double(x - patch.center[0]) * inverse[0]
                                let noise = ck_simplex_noise3(&table, Double(x) / wavelength, Double(y) / wavelength, Double(z) / wavelength)
                                let rim = 1 - roughness * 0.5 * (1 + noise)
                                let t = (dx * dx + dy * dy + dz * dz).squareRoot() / rim
                                guard t < 1 else { continue }
                                let i = row + x
                                let texture = grain * Float(ck_simplex_noise3(&table, Double(x) / 2.5, Double(y) / 2.5, Double(z) / 2.5 + 97))
                                let weight = opacity * Float(min(1, (1 - t) / 0.3))
                                v[i] += weight * (level + texture - v[i])
                                m[i] = 1
                            }
                        }
                    }
                }
            }
        }
        return canvas.finish(voxels, mask: mask, type: .blob,
                             parameters: ["roughness": roughness, "contrast": bright ? contrast : -contrast, "opacity": Double(opacity)])
    }
}
