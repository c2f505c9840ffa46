import Foundation
import MedadVolumes

/// Where the test-set builder's volumes come from and go to: NIfTI files for the CLI, memory in tests.
public protocol VolumeStore {
    func readVolume(_ url: URL) throws -> Volume
    /// Writes `volume` to `url`. `reference` is the input it was derived from, whose geometry (affine)
    /// a file store should keep; `isLabel` marks a 0/1 voxel mask, which may be stored as integers.
    func writeVolume(_ volume: Volume, to url: URL, reference: URL, isLabel: Bool) throws
}
