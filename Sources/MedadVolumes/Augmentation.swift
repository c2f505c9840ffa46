import CKernels
import Foundation
import MedadSupport

/// Seeded data augmentation for volumes and slices: random flips, small rotations and scalings,
/// elastic deformation (random displacements on a coarse control grid, interpolated trilinearly),
/// and intensity gamma, smooth multiplicative bias field and Gaussian noise.
/// The same seed gives the same result; a mask gets the same spatial transform (nearest).
public struct Augmentation: Sendable {
    /// Axes that may be flipped, each with probability 1/2 (left-right, axis 0, for brains).
    public var flipAxes: [Int]
    /// Rotation angles are uniform in ±maxRotationDegrees about each axis (about z only for slices).
    public var maxRotationDegrees: Double
    /// Isotropic scale factor, uniform in this range.
    public var scaleRange: ClosedRange<Double>
    /// Standard deviation of control-point displacements in voxels (0: no elastic deformation).
    public var elasticSigma: Double
    /// Control points per axis of the elastic grid; fewer points give smoother deformations.
    public var elasticGrid: Int
    /// Gamma exponent, log-uniform in this range, applied to the intensities rescaled to [0, 1].
    public var gammaRange: ClosedRange<Double>
    /// Largest log-amplitude of the bias field per axis (linear + quadratic in each coordinate).
    public var biasAmplitude: Double
    /// Noise standard deviation as a fraction of the intensity range.
    public var noiseSigma: Double

    public init(flipAxes: [Int] = [0], maxRotationDegrees: Double = 10, scaleRange: ClosedRange<Double> = 0.9...1.1,
                elasticSigma: Double = 2, elasticGrid: Int = 5, gammaRange: ClosedRange<Double> = 0.8...1.25,
                biasAmplitude: Double = 0.1, noiseSigma: Double = 0.01) {
        precondition(flipAxes.allSatisfy { (0..<3).contains($0) }, "flip axes must be 0, 1 or 2")
        precondition(scaleRange.lowerBound > 0 && gammaRange.lowerBound > 0, "scales and gammas must be positive")
        precondition(elasticGrid >= 2 && elasticSigma >= 0 && biasAmplitude >= 0 && noiseSigma >= 0,
                     "elastic grid needs 2+ points; amplitudes must not be negative")
        self.flipAxes = flipAxes
        self.maxRotationDegrees = maxRotationDegrees
        self.scaleRange = scaleRange
        self.elasticSigma = elasticSigma
        self.elasticGrid = elasticGrid
        self.gammaRange = gammaRange
        self.biasAmplitude = biasAmplitude
        self.noiseSigma = noiseSigma
    }

    /// The identity: every transform switched off.
    public static let none = Augmentation(flipAxes: [], maxRotationDegrees: 0, scaleRange: 1...1, elasticSigma: 0,
                                          gammaRange: 1...1, biasAmplitude: 0, noiseSigma: 0)

    /// Augments `volume` (and `mask` spatially) with draws from `seed`. Outside the input the
    /// image is filled with its minimum and the mask with 0.
    public func apply(to volume: Volume, mask: Volume? = nil, seed: UInt64) -> (volume: Volume, mask: Volume?) {
        precondition(mask == nil || mask!.dims == volume.dims, "mask dims differ from volume dims")
        var random = SeededRandom(seed: seed)
        let affine = drawAffine(volume.dims, &random)
        let field = drawDisplacements(volume.dims, &random)
        let low = volume.voxels.min() ?? 0
        var image = warp(volume, affine: affine, field: field, nearest: false, fill: low)
        let warpedMask = mask.map { warp($0, affine: affine, field: field, nearest: true, fill: 0) }
        adjustIntensities(&image, &random)
        return (image, warpedMask)
    }

    /// Output voxel index → input voxel index: p = M (o − c) + c with M = flips · rotation / scale.
    private func drawAffine(_ dims: [Int], _ random: inout SeededRandom) -> [Float] {
        let slice = dims[2] == 1
        var flip = [1.0, 1.0, 1.0]
        for axis in flipAxes where random.nextInt(2) == 1 && !(slice && axis == 2) { flip[axis] = -1 }
        let limit = maxRotationDegrees * Double.pi / 180
        let angles = (0..<3).map { axis in slice && axis != 2 ? 0 : random.uniform(-limit, limit) }
        let scale = random.uniform(scaleRange.lowerBound, scaleRange.upperBound)
        let rotation = Self.rotation(angles)
        let centre = dims.map { Double($0 - 1) / 2 }
        var affine = [Float](repeating: 0, count: 12)
        for row in 0..<3 {
            var offset = centre[row]
            for column in 0..<3 {
                let m = flip[row] * rotation[3 * row + column] / scale
                affine[4 * row + column] = Float(m)
                offset -= m * centre[column]
            }
            affine[4 * row + 3] = Float(offset)
        }
        return affine
    }

    private static func rotation(_ a: [Double]) -> [Double] {
        let (cx, sx, cy, sy, cz, sz) = (cos(a[0]), sin(a[0]), cos(a[1]), sin(a[1]), cos(a[2]), sin(a[2]))
        // Rz · Ry · Rx
        return [cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx,
                sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx,
                -sy, cy * sx, cy * cx]
    }

    /// Control-point displacements as three planes (x, y, z components); nil when switched off.
    private func drawDisplacements(_ dims: [Int], _ random: inout SeededRandom) -> (values: [Float], grid: [Int])? {
        guard elasticSigma > 0 else { return nil }
        let slice = dims[2] == 1
        let grid = [elasticGrid, elasticGrid, slice ? 1 : elasticGrid]
        let points = grid.reduce(1, *)
        var values = [Float](repeating: 0, count: 3 * points)
        for component in 0..<(slice ? 2 : 3) {
            for i in 0..<points { values[component * points + i] = Float(elasticSigma * random.nextNormal()) }
        }
        return (values, grid)
    }

    private func warp(_ volume: Volume, affine: [Float], field: (values: [Float], grid: [Int])?,
                      nearest: Bool, fill: Float) -> Volume {
        var out = volume
        volume.voxels.withUnsafeBufferPointer { source in
            out.voxels.withUnsafeMutableBufferPointer { target in
                let (nx, ny, nz) = (Int32(volume.dims[0]), Int32(volume.dims[1]), Int32(volume.dims[2]))
                if let field {
                    field.values.withUnsafeBufferPointer { displacement in
                        ck_warp(source.baseAddress, nx, ny, nz, target.baseAddress, affine, displacement.baseAddress,
                                Int32(field.grid[0]), Int32(field.grid[1]), Int32(field.grid[2]), nearest ? 1 : 0, fill)
                    }
                } else {
                    ck_warp(source.baseAddress, nx, ny, nz, target.baseAddress, affine, nil, 0, 0, 0, nearest ? 1 : 0, fill)
                }
            }
        }
        return out
    }

    private func adjustIntensities(_ volume: inout Volume, _ random: inout SeededRandom) {
        let gamma = exp(random.uniform(log(gammaRange.lowerBound), log(gammaRange.upperBound)))
        // Per axis t ∈ [-1, 1]: log-bias a·t + b·t², so the field is a product of three tables,
        // stored one after the other (x, then y, then z).
        var bias: [Float] = []
        for axis in 0..<3 {
            let (a, b) = (random.uniform(-biasAmplitude, biasAmplitude), random.uniform(-biasAmplitude, biasAmplitude))
            let n = volume.dims[axis]
            bias += (0..<n).map { i in
                let t = n > 1 ? 2 * Double(i) / Double(n - 1) - 1 : 0
                return Float(exp(a * t + b * t * t))
            }
        }
        let (low, high) = (volume.voxels.min() ?? 0, volume.voxels.max() ?? 0)
        let range = high - low
        guard range > 0 else { return }
        let sigma = Float(noiseSigma) * range
        let (nx, ny, nz) = (volume.dims[0], volume.dims[1], volume.dims[2])
        bias.withUnsafeBufferPointer { table in
            volume.voxels.withUnsafeMutableBufferPointer { voxels in
                var i = 0
                for z in 0..<nz {
                    for y in 0..<ny {
                        let plane = table[nx + y] * table[nx + ny + z]
                        for x in 0..<nx {
                            var v = voxels[i]
                            if gamma != 1 { v = low + range * Float(pow(Double((v - low) / range), gamma)) }
                            v *= table[x] * plane
                            if sigma > 0 { v += sigma * Float(random.nextNormal()) }
                            voxels[i] = v
                            i += 1
                        }
                    }
                }
            }
        }
    }
}
