import Foundation
import MedadVolumes
import MedadTestSupport

/// A .nii.gz whose header claims `dims` uint8 voxels of which `present` zero bytes follow: all of them
/// make a gzip bomb (a few hundred KB inflating to the whole volume), fewer make a header that lies.
/// gzip compresses /dev/zero, so the test never holds the voxels itself.
func gzipBomb(in temp: TemporaryFolder, name: String, dims: [Int], present: Int) throws -> URL {
    // The header's makings stay outside the folder the bomb goes to, where a command would see them.
    let stem = UUID().uuidString
    let small = temp.file("\(stem).nii")
    try Nifti.write(Volume(dims: [2, 2, 2], filledWith: 0), to: small, datatype: .uint8)
    var header = try Data(contentsOf: small).prefix(352)
    // dim[0...3] as little-endian int16 from byte 40.
    for (k, value) in ([3] + dims).enumerated() {
        header[40 + 2 * k] = UInt8(value & 0xFF)
        header[41 + 2 * k] = UInt8(value >> 8)
    }
    let headerFile = temp.file("\(stem).bin")
    try header.write(to: headerFile)
    let bomb = temp.file(name)
    let made = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c",
        "{ cat '\(headerFile.path)'; head -c \(present) /dev/zero; } | gzip -1 > '\(bomb.path)'"])
    guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: made.error]) }
    return bomb
}

/// Runs the built `medad` under an address-space limit (`ulimit -v`, in KiB).
func medadUnderLimit(kilobytes: Int, _ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "ulimit -v \(kilobytes); exec \"$0\" \"$@\"", medadExecutable.path] + arguments)
}
