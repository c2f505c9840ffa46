import Foundation
import MedadVolumes

/// The file-backed `VolumeStore`: NIfTI-1 through `Nifti`. Outputs reuse their input's header, so the
/// test set keeps each input's shape and affine; masks are stored as uint8, images as float32.
public struct NiftiVolumeStore: VolumeStore {
    public init() {}

    public func readVolume(_ url: URL) throws -> Volume {
        try Nifti.read(url).volume
    }

    public func writeVolume(_ volume: Volume, to url: URL, reference: URL, isLabel: Bool) throws {
        let header = try Nifti.readHeader(reference)
        try Nifti.write(volume, to: url, datatype: isLabel ? .uint8 : .float32, like: header)
    }
}
