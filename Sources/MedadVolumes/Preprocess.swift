import CKernels
import MedadSupport

/// Volume → training input: foreground, cropping, resampling, intensity normalisation, denoising.
/// Every function returns a new volume and leaves its input alone.
public enum Preprocess {
    public enum Interpolation: Sendable {
        /// Trilinear, for intensities.
        case linear
        /// Nearest voxel, for masks and labels (never invents new label values).
        case nearest
    }

    public enum Denoising: Sendable, Equatable {
        /// Separable Gaussian with this standard deviation in voxels.
        case gaussian(sigma: Double)
        /// Median over a (2·radius+1)³ neighbourhood.
        case median(radius: Int)
    }

    /// 1 where the voxel, after Gaussian smoothing with `smoothing` voxels, is above `threshold`,
    /// else 0; with `fillHoles`, enclosed background (a dark skull between scalp and brain, the
    /// ventricles) joins the foreground. Smoothing first keeps background noise (Rician in MRI)
    /// from speckling the mask. The default threshold is 10% of the smoothed volume's 99.5th
    /// percentile, which separates air from tissue in MRI and CT alike.
    public static func foregroundMask(_ volume: Volume, threshold: Float? = nil, smoothing: Double = 1,
                                      fillHoles: Bool = true) -> Volume {
        let smoothed = smoothing > 0 ? denoise(volume, .gaussian(sigma: smoothing)) : volume
        let level = threshold ?? 0.1 * percentile(smoothed.voxels, 99.5)
        let mask = map(smoothed) { $0 > level ? 1 : 0 }
        return fillHoles ? filledHoles(mask) : mask
    }

    /// Background not reachable from the volume's border (6-connected) becomes foreground.
    public static func filledHoles(_ mask: Volume) -> Volume {
        let (nx, ny, nz) = (mask.dims[0], mask.dims[1], mask.dims[2])
        var outside = [Bool](repeating: false, count: mask.count)
        var stack: [Int] = []
        mask.voxels.withUnsafeBufferPointer { voxels in
            outside.withUnsafeMutableBufferPointer { reached in
                func visit(_ x: Int, _ y: Int, _ z: Int) {
                    guard x >= 0, y >= 0, z >= 0, x < nx, y < ny, z < nz else { return }
                    let i = x + nx * (y + ny * z)
                    if voxels[i] == 0 && !reached[i] { reached[i] = true; stack.append(i) }
                }
                for z in 0..<nz { for y in 0..<ny { for x in 0..<nx
                    where x == 0 || y == 0 || z == 0 || x == nx - 1 || y == ny - 1 || z == nz - 1 { visit(x, y, z) } } }
                while let i = stack.popLast() {
                    let (x, y, z) = (i % nx, (i / nx) % ny, i / (nx * ny))
                    visit(x - 1, y, z); visit(x + 1, y, z)
                    visit(x, y - 1, z); visit(x, y + 1, z)
                    visit(x, y, z - 1); visit(x, y, z + 1)
                }
            }
        }
        var out = mask
        out.voxels.withUnsafeMutableBufferPointer { target in
            outside.withUnsafeBufferPointer { reached in
                for i in 0..<target.count { target[i] = reached[i] ? 0 : 1 }
            }
        }
        return out
    }

    /// The smallest box holding every nonzero voxel of `mask`, as lower and upper (exclusive)
    /// corners, grown by `margin` voxels and clipped to the volume; nil for an empty mask.
    public static func boundingBox(of mask: Volume, margin: Int = 0) -> (lower: [Int], upper: [Int])? {
        var lower = mask.dims, upper = [0, 0, 0]
        mask.voxels.withUnsafeBufferPointer { voxels in
            let (nx, ny, nz) = (mask.dims[0], mask.dims[1], mask.dims[2])
            for z in 0..<nz {
                for y in 0..<ny {
                    let row = nx * (y + ny * z)
                    for x in 0..<nx where voxels[row + x] != 0 {
                        lower = [min(lower[0], x), min(lower[1], y), min(lower[2], z)]
                        upper = [max(upper[0], x + 1), max(upper[1], y + 1), max(upper[2], z + 1)]
                    }
                }
            }
        }
        guard upper[0] > 0 else { return nil }
        return ((0..<3).map { max(0, lower[$0] - margin) }, (0..<3).map { min(mask.dims[$0], upper[$0] + margin) })
    }

    /// The part of `volume` in [lower, upper) (a programmer error if the box is empty or outside).
    public static func crop(_ volume: Volume, lower: [Int], upper: [Int]) -> Volume {
        precondition((0..<3).allSatisfy { 0 <= lower[$0] && lower[$0] < upper[$0] && upper[$0] <= volume.dims[$0] },
                     "crop box \(lower)..<\(upper) outside \(volume.dims)")
        let extent = (0..<3).map { upper[$0] - lower[$0] }
        return Volume(dims: extent, spacing: volume.spacing,
                      voxels: crop(volume.voxels, dims: volume.dims, lower: lower, extent: extent))
    }

    /// The box of `extent` at `lower` of values laid out as a volume of `dims` (x fastest), copied row
    /// by row; for masks and other per-voxel arrays as well as intensities. The box must lie inside.
    public static func crop<T>(_ values: [T], dims: [Int], lower: [Int], extent: [Int]) -> [T] {
        let (sx, sy) = (dims[0], dims[1])
        let (px, py, pz) = (extent[0], extent[1], extent[2])
        return [T](unsafeUninitializedCapacity: px * py * pz) { out, initialised in
            values.withUnsafeBufferPointer { source in
                for z in 0..<pz {
                    for y in 0..<py {
                        let from = lower[0] + sx * (lower[1] + y + sy * (lower[2] + z)), to = px * (y + py * z)
                        _ = UnsafeMutableBufferPointer(rebasing: out[to..<(to + px)]).initialize(from: source[from..<(from + px)])
                    }
                }
            }
            initialised = px * py * pz
        }
    }

    /// `volume` rolled by `offset` voxels along each axis: values leaving one side enter the other.
    public static func rolled(_ volume: Volume, by offset: [Int]) -> Volume {
        let (sx, sy, sz) = (volume.dims[0], volume.dims[1], volume.dims[2])
        let voxels = [Float](unsafeUninitializedCapacity: volume.count) { out, initialised in
            volume.voxels.withUnsafeBufferPointer { source in
                for z in 0..<sz {
                    for y in 0..<sy {
                        let from = sx * ((y + offset[1]) % sy + sy * ((z + offset[2]) % sz)), to = sx * (y + sy * z)
                        for x in 0..<sx { out[to + x] = source[from + (x + offset[0]) % sx] }
                    }
                }
            }
            initialised = volume.count
        }
        return Volume(dims: volume.dims, spacing: volume.spacing, voxels: voxels)
    }

    /// Crops `volume` (and the same box of `mask`) to the foreground of `mask` plus `margin`;
    /// returns the input unchanged when the mask is empty.
    public static func cropToForeground(_ volume: Volume, mask: Volume, margin: Int = 0) -> (volume: Volume, mask: Volume) {
        precondition(volume.dims == mask.dims, "mask dims \(mask.dims) differ from volume dims \(volume.dims)")
        guard let box = boundingBox(of: mask, margin: margin) else { return (volume, mask) }
        return (crop(volume, lower: box.lower, upper: box.upper), crop(mask, lower: box.lower, upper: box.upper))
    }

    /// Resamples to `shape` with aligned corners (first and last voxel centres of each axis stay
    /// put; a linear ramp stays exactly linear). Spacing is scaled so the covered extent is kept.
    public static func resample(_ volume: Volume, to shape: [Int], interpolation: Interpolation = .linear) -> Volume {
        precondition(shape.count == 3 && shape.allSatisfy { $0 > 0 }, "resample shape \(shape) must be three positive sizes")
        let spacing = (0..<3).map { axis -> Double in
            let (from, to) = (volume.dims[axis], shape[axis])
            return to > 1 ? volume.spacing[axis] * Double(from - 1) / Double(to - 1) : volume.spacing[axis] * Double(from)
        }
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        volume.voxels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                ck_resample(source.baseAddress, Int32(volume.dims[0]), Int32(volume.dims[1]), Int32(volume.dims[2]),
                            target.baseAddress, Int32(shape[0]), Int32(shape[1]), Int32(shape[2]),
                            interpolation == .nearest ? 1 : 0)
            }
        }
        return Volume(dims: shape, spacing: spacing.map { $0 > 0 ? $0 : 1 }, voxels: out)
    }

    /// Clips to the [low, high] percentiles (taken within `mask` if given) and scales that range
    /// to [0, 1]. A constant volume becomes all zeros.
    public static func normalizePercentiles(_ volume: Volume, low: Double = 0.5, high: Double = 99.5,
                                            mask: Volume? = nil) -> Volume {
        precondition(0 <= low && low < high && high <= 100, "percentiles must satisfy 0 <= low < high <= 100")
        let values = mask.map { selected(volume, by: $0) } ?? volume.voxels
        guard !values.isEmpty else { return map(volume) { _ in 0 } }
        let lowValue = percentile(values, low), highValue = percentile(values, high)
        let range = highValue - lowValue
        guard range > 0 else { return map(volume) { _ in 0 } }
        return map(volume) { (min(max($0, lowValue), highValue) - lowValue) / range }
    }

    /// (v − mean) / std with mean and std taken within `mask`; voxels outside the mask become 0.
    /// A mask with fewer than two voxels, or no spread inside it, gives all zeros.
    public static func zScore(_ volume: Volume, mask: Volume) -> Volume {
        let values = selected(volume, by: mask)
        guard values.count > 1 else { return map(volume) { _ in 0 } }
        var sum = 0.0, squares = 0.0
        values.withUnsafeBufferPointer { for v in $0 { sum += Double(v); squares += Double(v) * Double(v) } }
        let mean = sum / Double(values.count)
        let std = (max(0, squares / Double(values.count) - mean * mean)).squareRoot()
        guard std > 0 else { return map(volume) { _ in 0 } }
        var out = volume
        out.voxels.withUnsafeMutableBufferPointer { target in
            mask.voxels.withUnsafeBufferPointer { inside in
                for i in 0..<target.count {
                    target[i] = inside[i] != 0 ? Float((Double(target[i]) - mean) / std) : 0
                }
            }
        }
        return out
    }

    public static func denoise(_ volume: Volume, _ method: Denoising) -> Volume {
        var out = volume
        let status: Int32 = volume.voxels.withUnsafeBufferPointer { source in
            out.voxels.withUnsafeMutableBufferPointer { target in
                let (nx, ny, nz) = (Int32(volume.dims[0]), Int32(volume.dims[1]), Int32(volume.dims[2]))
                switch method {
                case .gaussian(let sigma):
                    precondition(sigma >= 0, "Gaussian sigma must not be negative")
                    // A slice is smoothed in-plane only.
                    let sigmas: [Float] = [Float(sigma), Float(sigma), volume.isSlice ? 0 : Float(sigma)]
                    return ck_gaussian(source.baseAddress, nx, ny, nz, sigmas, target.baseAddress)
                case .median(let radius):
                    precondition(radius >= 0, "median radius must not be negative")
                    return ck_median(source.baseAddress, nx, ny, nz, Int32(radius), target.baseAddress)
                }
            }
        }
        precondition(status == 0, "out of memory while denoising")
        return out
    }

    /// Percentile `q` (0…100) of `values` with linear interpolation (numpy's default).
    public static func percentile(_ values: [Float], _ q: Double) -> Float {
        precondition(!values.isEmpty, "percentile of no values")
        var scratch = values
        return scratch.withUnsafeMutableBufferPointer { ck_percentile($0.baseAddress, $0.count, q) }
    }

    /// The voxels of `volume` where `mask` is nonzero, in voxel order.
    public static func selected(_ volume: Volume, by mask: Volume) -> [Float] {
        precondition(volume.dims == mask.dims, "mask dims \(mask.dims) differ from volume dims \(volume.dims)")
        var values: [Float] = []
        values.reserveCapacity(volume.count)
        volume.voxels.withUnsafeBufferPointer { source in
            mask.voxels.withUnsafeBufferPointer { inside in
                for i in 0..<source.count where inside[i] != 0 { values.append(source[i]) }
            }
        }
        return values
    }

    @inline(__always)
    private static func map(_ volume: Volume, _ transform: (Float) -> Float) -> Volume {
        var out = volume
        out.voxels.withUnsafeMutableBufferPointer { target in
            for i in 0..<target.count { target[i] = transform(target[i]) }
        }
        return out
    }
}
