import Foundation
import MedadTestSupport

/// A small file written by nibabel 5.4.2 (oblique affine, int16 with scl_slope 0.5 and scl_inter 10,
/// qform code 1, sform code 2); the expected values below were printed by nibabel from the same file.
enum ReferenceFiles {
    static let obliqueBase64 = """
        H4sIAAAAAAACA4thZCAKMAMhCwMTAyMUogIWBgEw3WCflpZmf/ZMjz0Dg4IDiI+KNzgDFYHkHBkGAWAE+sefTXIfkLlUSqF2P8RdCw4yMHxw5JKJ2Q9Sw6FkC3cv0F/7IToXHPyt02EHYk29JeEAUo9udp62IZh+8//9/0//v/7/8f/3/3//GYEhxc7AxcALDC9hBjEGSQYZBnkGJQZVBg0GbQY9BkMGAI8wzZOQAQAA
        """
    static let obliqueDims = [3, 4, 2]
    static let obliqueVoxels: [Float] = (0..<24).map { Float($0) * 1.5 }
    static let obliqueSpacing = [0.9, 1.1, 2.5]
    static let obliqueAffine = [
        -0.8598028421401978, 0.0, 0.7388005256652832, 10.0,
        0.0, -1.100000023841858, 0.0, -20.0,
        0.2659681737422943, 0.0, 2.388341188430786, 30.0,
        0.0, 0.0, 0.0, 1.0,
    ]
    static let obliqueOrientation = "LPS"

    /// The same geometry written big-endian as float32 by nibabel: voxels (raw int16 + 0.25).
    static let bigEndianBase64 = """
        H4sIAAAAAAACA2NgYIxhIAYwAyELAxMDIxSiAgEGBQYG+wYgTktLs+85c9YBxkfCzhsg9KABjAxM+yTZ/JcCmftrFaQcgW4+uICBwfEDkB8jwwVSYm+rxAESB4H9QH+BaJAauw6d3yC2g8StqSD16CBP2xBMH5wHxG1ADAzlgzoMDAd+APEMoFkPgGYDzXHoAOIXQDtVgDgEiJuAeBYQbwLiU0D8CIh/MTA4cQKxKBArArEuEFsCsSsDAwCmUdcxwAEAAA==
        """
    static let bigEndianVoxels: [Float] = (0..<24).map { Float($0) * 3 - 19.75 }

    static func obliqueInt16(in folder: TemporaryFolder) throws -> URL {
        try decode(obliqueBase64, to: folder.file("oblique.nii.gz"))
    }

    static func bigEndianFloat32(in folder: TemporaryFolder) throws -> URL {
        try decode(bigEndianBase64, to: folder.file("big-endian.nii.gz"))
    }

    private static func decode(_ base64: String, to url: URL) throws -> URL {
        try Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines))!.write(to: url)
        return url
    }
}
