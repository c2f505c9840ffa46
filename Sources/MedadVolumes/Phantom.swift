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
        var p = ck_phantom_params()
        let scale = u(0.92, 1.04)
        p.head_radius = (0.78 * scale * u(0.95, 1.05), 0.9 * scale * u(0.95, 1.05), 0.8 * scale * u(0.95, 1.05))
        p.head_center = (u(-0.02, 0.02), u(-0.03, 0.03), u(-0.03, 0.03))
        p.rotation = rotation(yaw: u(-0.08, 0.08), pitch: u(-0.08, 0.08), roll: u(-0.05, 0.05))
        p.skin = u(0.04, 0.06)
        p.skull = u(0.05, 0.08)
        p.csf = u(0.025, 0.045)
        p.sulcus_depth = u(0.12, 0.18)
        p.cortex_thickness = u(0.06, 0.08)
        p.fold_freq = (u(20, 28), u(20, 28), u(20, 28))
        p.fold_phase = (u(0, 6.3), u(0, 6.3), u(0, 6.3))
        let ventricle = u(0.7, 1.4)
        p.ventricle_radius = (0.07 * ventricle, 0.3 * u(0.9, 1.1), 0.12 * ventricle)
        p.ventricle_center = (u(0.08, 0.12), u(-0.02, 0.06), u(0.08, 0.14))
        p.nucleus_radius = (0.1 * u(0.9, 1.1), 0.14 * u(0.9, 1.1), 0.1 * u(0.9, 1.1))
        p.nucleus_center = (u(0.2, 0.26), u(-0.02, 0.06), u(-0.06, 0.02))
        // T1-like contrast: white matter brightest, CSF and skull dark, scalp fat fairly bright.
        p.intensity = (0, u(0.5, 0.65), u(0.06, 0.12), u(0.15, 0.22), u(0.45, 0.52),
                       u(0.74, 0.82), u(0.55, 0.62), u(0.15, 0.22))
        withUnsafeMutableBytes(of: &p.deform_amp) { amp in
            for i in 0..<amp.count / 4 { amp.storeBytes(of: u(-0.04, 0.04), toByteOffset: 4 * i, as: Float.self) }
        }
        withUnsafeMutableBytes(of: &p.deform_freq) { freq in
            for i in 0..<freq.count / 4 { freq.storeBytes(of: u(0.8, 3.2), toByteOffset: 4 * i, as: Float.self) }
        }
        withUnsafeMutableBytes(of: &p.deform_phase) { phase in
            for i in 0..<phase.count / 4 { phase.storeBytes(of: u(0, 6.3), toByteOffset: 4 * i, as: Float.self) }
        }
        p.bias_amp = (u(-0.12, 0.12), u(-0.12, 0.12), u(-0.12, 0.12))
        p.bias_freq = (u(0.8, 1.6), u(0.8, 1.6), u(0.8, 1.6))
        p.bias_phase = (u(0, 6.3), u(0, 6.3), u(0, 6.3))
        p.noise_sigma = u(0.015, 0.035)
        p.noise_seed = random.next()
        return p
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
