// Simplex noise for diffusion: J. Wyatt, A. Leach, S. M. Schmon, C. G. Willcocks, "AnoDDPM: Anomaly
// Detection with Denoising Diffusion Probabilistic Models using Simplex Noise", CVPR Workshops 2022.
import CKernels
import MedadSupport

/// What the forward process adds: white Gaussian noise, or AnoDDPM's simplex noise, whose low
/// frequencies hide larger anomalies than pixel noise can.
package struct DiffusionNoise: Sendable {
    package enum Kind: String, CaseIterable, Sendable { case gaussian, simplex }
    package var kind: Kind
    /// Simplex: octaves summed, the amplitude ratio between octaves, and the first octave's wavelength
    /// in pixels (AnoDDPM's defaults 6, 0.8 and 64).
    package var octaves = 6
    package var persistence = 0.8
    package var frequency = 64.0

    package init(_ kind: Kind, octaves: Int = 6, persistence: Double = 0.8, frequency: Double = 64) {
        self.kind = kind
        self.octaves = octaves
        self.persistence = persistence
        self.frequency = frequency
    }

    /// Noise for `timesteps.count` slices of side `size`, slice-major; a simplex slice is the plane at
    /// depth t of the 3D noise of a seed drawn from `rng`, as AnoDDPM draws one per step.
    package func sample(_ timesteps: [Int], size: Int, rng: inout SeededRandom) -> [Float] {
        let pixels = size * size
        var out = [Float](repeating: 0, count: timesteps.count * pixels)
        switch kind {
        case .gaussian:
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<o.count { o[i] = Float(rng.nextNormal()) }
            }
        case .simplex:
            var table = ck_simplex_table()
            out.withUnsafeMutableBufferPointer { o in
                for (slice, t) in timesteps.enumerated() {
                    ck_simplex_table_init(&table, Int64(bitPattern: rng.next()))
                    ck_simplex_octaves(&table, Int32(size), Int32(size), Double(t), Int32(octaves), persistence, frequency,
                                       o.baseAddress! + slice * pixels)
                }
            }
        }
        return out
    }
}
