import FuzzDriver
import FuzzSupport
import Foundation
import MedadSupport
import MedadVolumes

/// One input as both a .nii.gz (zlib inflates a gzip stream and passes plain bytes through, so the
/// gzip path and a raw header both run) and a .nii (the header checked against the file size), through
/// each of the three readers. A MedadError is the expected answer to bad input; only a crash is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    for name in ["input.nii.gz", "input.nii"] {
        let url = FuzzInput.write(bytes, to: name)
        _ = try? Nifti.readHeader(url)
        _ = try? Nifti.range(url)
        if let (volume, header) = try? Nifti.read(url) {
            precondition(volume.count == header.dims.reduce(1, *) && volume.voxels.allSatisfy(\.isFinite),
                         "read returned \(volume.count) voxels for dims \(header.dims) or a non-finite voxel")
        }
    }
    return 0
}

/// The executable's entry point (see fuzz_driver.h).
@_cdecl("fuzz_nifti_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { fuzz_driver_main(argc, argv) }
