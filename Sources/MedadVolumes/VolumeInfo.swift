import Foundation

/// What `medad data info` reports about one NIfTI file.
public struct VolumeInfo: Codable, Equatable, Sendable {
    public let file: String
    public let shape: [Int]
    public let spacing: [Double]
    public let datatype: String
    /// Intensity range after scl_slope/scl_inter.
    public let min: Float
    public let max: Float
    /// Axis codes of the voxel-to-world transform, e.g. "RAS".
    public let orientation: String

    /// Reads `url` completely (so a truncated or corrupt file is reported, not described), streaming
    /// its voxels: a small .nii.gz that inflates to gigabytes is described in bounded memory.
    public init(reading url: URL) throws {
        let (header, low, high) = try Nifti.range(url)
        file = url.path
        shape = header.dims
        spacing = header.spacing
        datatype = header.datatype.rawValue
        (min, max) = (low, high)
        orientation = header.orientation
    }

    /// One human-readable line.
    public var line: String {
        let spacingText = spacing.map { String(format: "%g", $0) }.joined(separator: "x")
        return "\(file): shape \(shape.map(String.init).joined(separator: "x")), spacing \(spacingText) mm, "
            + "\(datatype), range [\(String(format: "%g", min)), \(String(format: "%g", max))], orientation \(orientation)"
    }

    /// A JSON list of infos, keys sorted.
    public static func json(_ infos: [VolumeInfo]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(infos), as: UTF8.self)
    }
}
