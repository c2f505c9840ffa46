import Foundation
import MedadSupport

// Local sink/source deformation, the "deformation" toy anomaly of the MOOD challenge (D. Zimmerer et al.,
// "MOOD 2020: A Public Benchmark for Out-of-Distribution Detection and Localization on Medical Images",
// IEEE TMI 2022). Inside an ellipsoid, the normalised radius d in [0, 1] is remapped to d^(1+gamma)
// (a source: the centre swells outwards) or d^(1/(1+gamma)) (a sink: content is pulled inwards), and the
// image is resampled with (bi/tri)linear interpolation. The map is the identity on the rim, so the
// deformation is continuous with the untouched surroundings.
extension AnomalyGenerator {
    func sinkSource(_ canvas: AnomalyCanvas, _ random: inout SeededRandom) -> SyntheticAnomaly {
        // Radius >= 2 and a sub-voxel centre: otherwise every voxel of a small ellipsoid sits at d = 0 or
        // d = 1, the two fixed points of the remapping, and nothing would move.
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, minimumRadius: 2, subvoxel: true, &random)
        let gamma = random.uniform(parameters.deformationRange.lowerBound, parameters.deformationRange.upperBound)
        let isSource = random.nextInt(2) == 0
        let exponent = isSource ? 1 + gamma : 1 / (1 + gamma)
        let mask = canvas.regionMask(patch, ellipsoid: true)
        let dims = canvas.dims
        let nx = dims[0], ny = dims[1]
        let ix = patch.radii[0] > 0 ? 1.0 / Double(patch.radii[0]) : 0.0
        let iy = patch.radii[1] > 0 ? 1.0 / Double(patch.radii[1]) : 0.0
        let iz = patch.radii[2] > 0 ? 1.0 / Double(patch.radii[2]) : 0.0
        let cx = Double(patch.center[0]) + patch.shift[0], cy = Double(patch.center[1]) + patch.shift[1]
        let cz = Double(patch.center[2]) + patch.shift[2]
        let sampler = LinearSampler(dims: dims)
        var voxels = canvas.image.voxels
        canvas.image.voxels.withUnsafeBufferPointer { original in
            mask.withUnsafeBufferPointer { m in
                voxels.withUnsafeMutableBufferPointer { v in
                    for z in patch.lo[2]..<patch.hi[2] {
                        let oz = Double(z) - cz
                        for y in patch.lo[1]..<patch.hi[1] {
                            let oy = Double(y) - cy
                            for x in patch.lo[0]..<patch.hi[0] where m[x + nx * (y + ny * z)] != 0 {
                                let ox = Double(x) - cx
                                let d = ((ox * ix) * (ox * ix) + (oy * iy) * (oy * iy) + (oz * iz) * (oz * iz)).squareRoot()
                                let scale = d > 0 ? pow(d, exponent) / d : 0
                                v[x + nx * (y + ny * z)] = sampler.sample(original, cx + ox * scale, cy + oy * scale, cz + oz * scale)
                            }
                        }
                    }
                }
            }
        }
        return canvas.finish(voxels, mask: mask, type: .sinkSource,
                             parameters: ["gamma": gamma, "direction": isSource ? 1 : -1])
    }
}

/// Trilinear interpolation with edge clamping (bilinear on a slice, where z stays 0).
struct LinearSampler {
    let nx: Int, ny: Int, nz: Int

    init(dims: [Int]) {
        nx = dims[0]; ny = dims[1]; nz = dims[2]
    }

    @inline(__always)
    func sample(_ voxels: UnsafeBufferPointer<Float>, _ x: Double, _ y: Double, _ z: Double) -> Float {
        let px = min(max(x, 0), Double(nx - 1)), py = min(max(y, 0), Double(ny - 1)), pz = min(max(z, 0), Double(nz - 1))
        let x0 = Int(px), y0 = Int(py), z0 = Int(pz)
        let x1 = min(x0 + 1, nx - 1), y1 = min(y0 + 1, ny - 1), z1 = min(z0 + 1, nz - 1)
        let wx = px - Double(x0), wy = py - Double(y0), wz = pz - Double(z0)
        @inline(__always) func at(_ x: Int, _ y: Int, _ z: Int) -> Double { Double(voxels[x + nx * (y + ny * z)]) }
        let c00 = at(x0, y0, z0) * (1 - wx) + at(x1, y0, z0) * wx
        let c10 = at(x0, y1, z0) * (1 - wx) + at(x1, y1, z0) * wx
        let c01 = at(x0, y0, z1) * (1 - wx) + at(x1, y0, z1) * wx
        let c11 = at(x0, y1, z1) * (1 - wx) + at(x1, y1, z1) * wx
        let c0 = c00 * (1 - wy) + c10 * wy
        let c1 = c01 * (1 - wy) + c11 * wy
        return Float(c0 * (1 - wz) + c1 * wz)
    }
}
