import CKernels
import MedadSupport
import MedadVolumes

// Poisson image interpolation (PII): J. Tan, B. Hou, T. Day, J. Simpson, D. Rueckert, B. Kainz,
// "Detecting Outliers with Poisson Image Interpolation", MICCAI 2021. A foreign patch is blended in
// through its gradients: inside the region the image f solves the discrete Poisson equation
//   sum_{q in N(p)} (f_p - f_q) = sum_{q in N(p)} v_pq,   f = target outside the region (Dirichlet),
// with the interpolated mixed guidance v_pq = the larger in magnitude of (1 - alpha)(t_p - t_q) and
// alpha(s_p - s_q). alpha = 0 reproduces the target exactly; the seam is invisible in intensity,
// only the texture changes. The sparse SPD system is solved by Jacobi-preconditioned conjugate
// gradients (C kernel ck_anom_poisson_interpolate) on the patch's bounding box only.
public enum PoissonImageInterpolation {
    public struct Solution {
        /// The target with the region replaced by the Poisson solution.
        public var values: [Float]
        public var iterations: Int
        /// ||b - A f|| / ||b|| of the double-precision iterate when the solver stopped.
        public var relativeResidual: Double
    }

    /// Solves PII on a dense box of `dims` (x fastest): `region` non-zero marks the unknowns.
    public static func solve(target: [Float], source: [Float], region: [UInt8], dims: [Int], alpha: Float,
                             tolerance: Double = 1e-6, maxIterations: Int = 5000) throws -> Solution {
        precondition(dims.count == 3 && target.count == dims.reduce(1, *) && source.count == target.count
                     && region.count == target.count, "PII arrays must all have dims' voxel count")
        var values = [Float](repeating: 0, count: target.count)
        var residual = 0.0
        let iterations = target.withUnsafeBufferPointer { t in
            source.withUnsafeBufferPointer { s in
                region.withUnsafeBufferPointer { r in
                    values.withUnsafeMutableBufferPointer { v in
                        ck_anom_poisson_interpolate(Int32(dims[0]), Int32(dims[1]), Int32(dims[2]), t.baseAddress,
                                                    s.baseAddress, r.baseAddress, alpha, tolerance,
                                                    Int32(clamping: maxIterations), v.baseAddress, &residual)
                    }
                }
            }
        }
        guard iterations >= 0 else {
            throw MedadError("pii: out of memory solving the Poisson equation on a \(dims) box")
        }
        return Solution(values: values, iterations: Int(iterations), relativeResidual: residual)
    }
}

extension AnomalyGenerator {
    func poissonImageInterpolation(_ canvas: AnomalyCanvas, donor: Volume?, _ random: inout SeededRandom) throws -> SyntheticAnomaly {
        let patch = canvas.samplePatch(sizeRange: parameters.sizeRange, &random)
        let alpha = Float(random.uniform(parameters.blendRange.lowerBound, parameters.blendRange.upperBound))
        let mask = canvas.regionMask(patch, ellipsoid: true)
        let source = canvas.foreignSource(for: patch, donor: donor, &random)
        let dims = canvas.dims
        // One voxel of margin gives every unknown its Dirichlet neighbours.
        let lo = (0..<3).map { max(0, patch.lo[$0] - 1) }
        let hi = (0..<3).map { min(dims[$0], patch.hi[$0] + 1) }
        let size = (0..<3).map { hi[$0] - lo[$0] }
        let sourceOrigin = (0..<3).map { source.origin[$0] - (patch.lo[$0] - lo[$0]) }
        let target = BoxCopy.extract(canvas.image.voxels, dims: dims, origin: lo, size: size)
        let foreign = BoxCopy.extract(source.voxels, dims: dims, origin: sourceOrigin, size: size)
        let region = BoxCopy.extract(mask, dims: dims, origin: lo, size: size)
        let solution = try PoissonImageInterpolation.solve(target: target, source: foreign, region: region, dims: size,
                                                           alpha: alpha, tolerance: parameters.poissonTolerance,
                                                           maxIterations: parameters.poissonMaxIterations)
        var voxels = canvas.image.voxels
        BoxCopy.write(solution.values, size: size, origin: lo, into: &voxels, dims: dims, where: mask)
        return canvas.finish(voxels, mask: mask, type: .pii,
                             parameters: ["alpha": Double(alpha), "cg_iterations": Double(solution.iterations),
                                          "relative_residual": solution.relativeResidual])
    }
}
