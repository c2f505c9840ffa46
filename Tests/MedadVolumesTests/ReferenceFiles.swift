import Foundation

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

    static func obliqueInt16(in folder: TemporaryFolder) throws -> URL {
        let url = folder.file("oblique.nii.gz")
        try Data(base64Encoded: obliqueBase64.trimmingCharacters(in: .whitespacesAndNewlines))!.write(to: url)
        return url
    }
}
