import CKernels

extension Preprocess {
    /// A robust head mask (the brain, for skull-stripped images) when none is given: voxels above 15%
    /// of the smoothed image's 99.5th percentile both before and after smoothing (smoothing alone keeps
    /// Rician noise out but grows the mask by a voxel into the air), reduced to the largest connected
    /// component (stray noise and the scanner bed fall away), with enclosed holes filled in 3D and then
    /// in every axial slice, so that dark skull, CSF, ventricles and lesions count as inside.
    /// A slice (depth 1) is handled in-plane. An empty image gives an empty mask.
    public static func headMask(_ volume: Volume) -> Volume {
        let smoothed = denoise(volume, .gaussian(sigma: 1))
        let level = 0.15 * percentile(smoothed.voxels, 99.5)
        var above = foregroundMask(smoothed, threshold: level, smoothing: 0, fillHoles: false)
        above.voxels.withUnsafeMutableBufferPointer { mask in
            volume.voxels.withUnsafeBufferPointer { raw in
                for i in 0..<mask.count where raw[i] <= level { mask[i] = 0 }
            }
        }
        above.voxels = largestComponent(above)
        let filled = volume.isSlice ? above : filledHoles(above)
        return filledHolesInPlane(filled)
    }

    /// The largest 26-connected component of a 0/1 mask, as 0/1 floats (empty stays empty).
    static func largestComponent(_ mask: Volume) -> [Float] {
        let bytes = mask.voxels.map { $0 != 0 ? UInt8(1) : 0 }
        var labels = [Int32](repeating: 0, count: mask.count)
        let count = bytes.withUnsafeBufferPointer { m in
            labels.withUnsafeMutableBufferPointer { l in
                ck_label_components(m.baseAddress, Int64(mask.dims[0]), Int64(mask.dims[1]), Int64(mask.dims[2]), l.baseAddress)
            }
        }
        precondition(count >= 0, "out of memory while labelling components")
        guard count > 1 else { return bytes.map(Float.init) }
        var sizes = [Int](repeating: 0, count: Int(count) + 1)
        labels.withUnsafeBufferPointer { l in for label in l { sizes[Int(label)] += 1 } }
        let largest = Int32((1...Int(count)).max { sizes[$0] < sizes[$1] }!)
        return labels.map { $0 == largest ? 1 : 0 }
    }

    /// Background not reachable from its slice's border (4-connected, in each axial slice) becomes foreground.
    public static func filledHolesInPlane(_ mask: Volume) -> Volume {
        let (nx, ny, nz) = (mask.dims[0], mask.dims[1], mask.dims[2])
        var out = mask
        var reached = [Bool](repeating: false, count: nx * ny)
        var stack: [Int] = []
        out.voxels.withUnsafeMutableBufferPointer { voxels in
            for z in 0..<nz {
                let plane = nx * ny * z
                for i in 0..<reached.count { reached[i] = false }
                func visit(_ x: Int, _ y: Int) {
                    guard x >= 0, y >= 0, x < nx, y < ny else { return }
                    let i = x + nx * y
                    if voxels[plane + i] == 0 && !reached[i] { reached[i] = true; stack.append(i) }
                }
                for x in 0..<nx { visit(x, 0); visit(x, ny - 1) }
                for y in 0..<ny { visit(0, y); visit(nx - 1, y) }
                while let i = stack.popLast() {
                    let (x, y) = (i % nx, i / nx)
                    visit(x - 1, y); visit(x + 1, y); visit(x, y - 1); visit(x, y + 1)
                }
                for i in 0..<reached.count where !reached[i] { voxels[plane + i] = 1 }
            }
        }
        return out
    }
}
