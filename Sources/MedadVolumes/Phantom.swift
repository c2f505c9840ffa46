import CKernels
import Foundation
import MedadSupport

/// The built-in data set: brain-like T1 MRI phantoms with subject-to-subject variation of head
/// shape, tissue layout (folding, ventricles, deep grey nuclei), smooth deformation, contrast,
/// bias field and Rician noise, so that a model has a real normal distribution to learn.
/// Subject `index` of seed `seed` is the same whatever the count or thread count.
public enum Phantom {
    /// Tissue codes of `brain(...).labels`.
    public enum Tissue: Int, CaseIterable, Sendable {
        case background, skin, skull, csf, greyMatter, whiteMatter, deepGrey, ventricle
    }

    /// Field of view of a phantom in mm, whatever its size; spacing is fov / size.
    public static let fieldOfView = 240.0

    /// Subject `index` of data set `seed` as an image (intensities ≈ 0…1) and its tissue labels.
    public static func brain(size: Int, seed: UInt64, index: Int) -> (image: Volume, labels: Volume) {
        precondition(size >= 8, "phantom size must be at least 8")
        var parameters = drawParameters(SeededRandom(seed: seed).split(UInt64(index)))
        let count = size * size * size
        var labelBytes = [UInt8](repeating: 0, count: count)
        var image = [Float](repeating: 0, count: count)
        let status = image.withUnsafeMutableBufferPointer { voxels in
            labelBytes.withUnsafeMutableBufferPointer { labels in
                ck_phantom_brain(&parameters, Int32(size), voxels.baseAddress, labels.baseAddress)
            }
        }
        precondition(status == 0, "out of memory for phantom tables")
        let spacing = [Double](repeating: fieldOfView / Double(size), count: 3)
        return (Volume(dims: [size, size, size], spacing: spacing, voxels: image),
                Volume(dims: [size, size, size], spacing: spacing, voxels: labelBytes.map(Float.init)))
    }

    /// The brain mask of a phantom's labels: every tissue inside the skull (CSF, grey and white matter,
    /// deep grey nuclei, ventricles), the region where MOOD places its anomalies.
    public static func brainMask(_ labels: Volume) -> [UInt8] {
        let inside = Float(Tissue.csf.rawValue)
        return [UInt8](unsafeUninitializedCapacity: labels.count) { out, initialised in
            labels.voxels.withUnsafeBufferPointer { l in
                for i in 0..<l.count { out[i] = l[i] >= inside ? 1 : 0 }
            }
            initialised = labels.count
        }
    }

    /// Subfolders of `write`'s output beside the images: the brain mask and the tissue labels.
    public static let brainMaskFolder = "brain_mask"
    public static let tissueFolder = "tissue"

    /// File name of subject `index`, e.g. "phantom_007.nii.gz".
    public static func fileName(index: Int) -> String {
        "phantom_" + String(repeating: "0", count: max(0, 3 - String(index).count)) + String(index) + ".nii.gz"
    }

    /// Writes `count` phantoms as float32 .nii.gz into `folder`, `threads` subjects at a time, each
    /// with its brain mask in `folder/brain_mask/` and tissue labels in `folder/tissue/` (uint8).
    /// Returns the written image files in index order.
    @discardableResult
    public static func write(to folder: URL, count: Int, size: Int = 128, seed: UInt64 = 0,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> [URL] {
        guard count >= 1 else { throw MedadError("--count must be at least 1, got \(count)") }
        guard (8...512).contains(size) else { throw MedadError("--size must be between 8 and 512, got \(size)") }
        let files = (0..<count).map { folder.appendingPathComponent(fileName(index: $0)) }
        let failures = FirstError()
        let workers = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: count, by: workers) where !failures.isSet {
                do {
                    let phantom = brain(size: size, seed: seed, index: index)
                    let name = files[index].lastPathComponent
                    try Nifti.write(phantom.image, to: files[index])
                    let mask = Volume(dims: phantom.labels.dims, spacing: phantom.labels.spacing,
                                      voxels: brainMask(phantom.labels).map(Float.init))
                    try Nifti.write(mask, to: folder.appendingPathComponent(brainMaskFolder).appendingPathComponent(name), datatype: .uint8)
                    try Nifti.write(phantom.labels, to: folder.appendingPathComponent(tissueFolder).appendingPathComponent(name), datatype: .uint8)
                } catch {
                    failures.record(error)
                }
            }
        }
        if let error = failures.error { throw error }
        return files
    }

    private static func drawParameters(_ generator: SeededRandom) -> ck_phantom_params {
        var random = generator
        func u(_ low: Double, _ high: Double) -> Float { Float(random.uniform(low, high)) }
        func direction() -> [Float] {
            let z = u(-1, 1), angle = u(0, 2 * .pi), ring = (1 - z * z).squareRoot()
            return [ring * cos(angle), ring * sin(angle), z]
        }
        var p = ck_phantom_params()
        let scale = u(0.92, 1.04)
        p.head_radius = (0.78 * scale * u(0.95, 1.05), 0.9 * scale * u(0.95, 1.05), 0.8 * scale * u(0.95, 1.05))
        p.head_center = (u(-0.02, 0.02), u(-0.03, 0.03), u(-0.03, 0.03))
        p.rotation = rotation(yaw: u(-0.08, 0.08), pitch: u(-0.08, 0.08), roll: u(-0.05, 0.05))
        // Head units: 1 is the head radius, about 100 mm.
        p.skin = u(0.04, 0.06)
        p.skull = u(0.05, 0.08)
        p.diploe = u(0.3, 0.5)
        p.csf = u(0.015, 0.035)
        p.cortex_thickness = u(0.038, 0.048)
        // Wave numbers of 24-30 per radian put the sulci of the random-wave zero set 12-15 mm apart
        // on a brain of 80 mm radius.
        store((0..<Int(CK_PHANTOM_GYRI)).map { _ in u(0.6, 1) }, into: &p.gyrus_amp)
        store((0..<Int(CK_PHANTOM_GYRI)).flatMap { _ in let k = u(24, 30); return direction().map { $0 * k } }, into: &p.gyrus_wave)
        store((0..<Int(CK_PHANTOM_GYRI)).map { _ in u(0, 2 * .pi) }, into: &p.gyrus_phase)
        p.sulcus_depth = u(0.17, 0.23)
        p.sulcus_depth_var = u(0.35, 0.55)
        let depthWave = direction().map { $0 * u(5, 9) }
        p.sulcus_depth_wave = (depthWave[0], depthWave[1], depthWave[2])
        p.sulcus_depth_phase = u(0, 2 * .pi)
        p.sulcus_bend = u(0.8, 1.6)
        // Atrophy widens sulci, fissures and ventricles together, partly.
        let atrophy = u(0, 1)
        p.sulcus_width = 0.004 + 0.01 * atrophy * u(0.6, 1)
        p.fissure_width = 0.008 + 0.012 * atrophy * u(0.6, 1)
        p.cleft_width = 0.008 + 0.012 * atrophy * u(0.6, 1)
        p.callosum_center = (u(-0.06, 0), u(-0.26, -0.18))
        p.callosum_radius = (u(0.45, 0.52), u(0.5, 0.55))
        // Sylvian fissure: a sheet rising backwards from the temporal pole, open to the lateral surface;
        // insular cistern: the vertical sheet at its medial end.
        let sylvian: [Float] = [0, u(0.24, 0.3), -u(0.1, 0.16)]
        // The stem runs forwards as it opens laterally; its width axis is kept orthogonal to `sylvian`.
        let stemDepth = u(0.2, 0.24), stemLean = u(0.4, 0.9)
        let lean = (sylvian[1] * sylvian[1] + sylvian[2] * sylvian[2]).squareRoot()
        let stem: [Float] = [stemDepth, stemDepth * stemLean * sylvian[1] / lean, stemDepth * stemLean * sylvian[2] / lean]
        let insula: [Float] = [0, u(0.17, 0.23), -u(0.02, 0.08)]
        let insulaLength = (insula[1] * insula[1] + insula[2] * insula[2]).squareRoot(), insulaHeight = u(0.12, 0.17)
        store([u(0.64, 0.68), u(-0.02, 0.04), u(-0.12, -0.04), u(0.42, 0.47), u(-0.02, 0.03), u(-0.06, 0)], into: &p.cleft_center)
        store(sylvian + insula, into: &p.cleft_axis_a)
        store(stem + [0, -insula[2] / insulaLength * insulaHeight, insula[1] / insulaLength * insulaHeight],
              into: &p.cleft_axis_b)
        p.ventricle_arc_center = (u(-0.06, 0), u(-0.14, -0.06))
        p.ventricle_arc_radius = (u(0.34, 0.4), u(0.16, 0.22))
        p.ventricle_arc_from = u(-0.5, -0.25)
        p.ventricle_arc_to = u(4.1, 4.4)
        p.ventricle_offset = (u(0.07, 0.09), u(0.24, 0.3))
        p.ventricle_width = (u(0.055, 0.065), u(0.04, 0.05))
        p.septum_width = u(0.006, 0.01)
        let ventricleScale = Float(exp(Double(u(-0.5, 0.2)) + 0.5 * Double(atrophy)))
        p.ventricle_scale = ventricleScale
        p.third_ventricle_width = 0.008 * ventricleScale
        // Caudate head beside the frontal horn, putamen lateral to the internal capsule, thalamus medial.
        store([u(0.12, 0.14), u(0.2, 0.26), u(-0.02, 0.03),
               u(0.26, 0.29), u(0.02, 0.06), u(-0.05, -0.01),
               u(0.07, 0.085), u(-0.12, -0.08), u(-0.05, -0.01)], into: &p.nucleus_center)
        store([0.045, 0.09, 0.08, 0.045, 0.14, 0.1, 0.065, 0.12, 0.08].map { $0 * u(0.9, 1.1) }, into: &p.nucleus_radius)
        // T1-like contrast: white matter brightest, CSF and skull dark, scalp fat fairly bright.
        let csf = u(0.1, 0.18)
        p.intensity = (0, u(0.5, 0.65), u(0.06, 0.12), csf, u(0.42, 0.5), u(0.74, 0.82), u(0.55, 0.62), csf)
        p.marrow_intensity = u(0.3, 0.45)
        store((0..<(3 * Int(CK_PHANTOM_TERMS))).map { _ in u(-0.04, 0.04) }, into: &p.deform_amp)
        store((0..<(9 * Int(CK_PHANTOM_TERMS))).map { _ in u(0.8, 3.2) }, into: &p.deform_freq)
        store((0..<(9 * Int(CK_PHANTOM_TERMS))).map { _ in u(0, 6.3) }, into: &p.deform_phase)
        p.bias_amp = (u(-0.12, 0.12), u(-0.12, 0.12), u(-0.12, 0.12))
        p.bias_freq = (u(0.8, 1.6), u(0.8, 1.6), u(0.8, 1.6))
        p.bias_phase = (u(0, 6.3), u(0, 6.3), u(0, 6.3))
        p.noise_sigma = u(0.015, 0.035)
        p.noise_seed = random.next()
        return p
    }

    /// Fills a C array (imported as a tuple of floats, possibly nested) from `values` in memory order.
    private static func store<T>(_ values: [Float], into array: inout T) {
        withUnsafeMutableBytes(of: &array) { raw in
            precondition(raw.count == values.count * MemoryLayout<Float>.size, "parameter array size mismatch")
            for (i, value) in values.enumerated() { raw.storeBytes(of: value, toByteOffset: 4 * i, as: Float.self) }
        }
    }

    private static func rotation(yaw: Float, pitch: Float, roll: Float)
        -> (Float, Float, Float, Float, Float, Float, Float, Float, Float) {
        let (cy, sy, cp, sp, cr, sr) = (cos(yaw), sin(yaw), cos(pitch), sin(pitch), cos(roll), sin(roll))
        // R = Rz(yaw) * Ry(pitch) * Rx(roll)
        return (cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
                sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
                -sp, cp * sr, cp * cr)
    }
}

/// The first error thrown by any of several concurrent workers.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?

    var isSet: Bool { lock.withLock { first != nil } }
    var error: Error? { lock.withLock { first } }

    func record(_ error: Error) {
        lock.withLock { if first == nil { first = error } }
    }
}
