import CNifti
import Foundation
import MedadSupport

/// Voxel storage types of NIfTI files that medad reads and writes.
public enum NiftiDatatype: String, CaseIterable, Sendable {
    case uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// The NIfTI-1 datatype code (DT_*).
    public var code: Int32 {
        switch self {
        case .uint8: 2
        case .int16: 4
        case .int32: 8
        case .float32: 16
        case .float64: 64
        case .int8: 256
        case .uint16: 512
        case .uint32: 768
        case .int64: 1024
        case .uint64: 1280
        }
    }

    public init?(code: Int32) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}

/// A NIfTI-1 header as read from a file. The geometry is exposed for reports; the whole header is
/// kept so that a prediction written `like:` its input gets exactly the input's shape and affine.
public struct NiftiHeader: Sendable, Equatable {
    /// [nx, ny, nz] (1 for missing trailing axes).
    public let dims: [Int]
    /// Voxel size in mm, |pixdim[1...3]| (1 where the file leaves it 0).
    public let spacing: [Double]
    public let datatype: NiftiDatatype
    /// scl_slope and scl_inter as stored; already applied to the voxels `Nifti.read` returns.
    public let scaleSlope: Double
    public let scaleIntercept: Double
    public let qformCode: Int
    public let sformCode: Int
    /// Row-major 4×4 voxel-to-world matrices as libnifti derives them from the header.
    public let qform: [Double]
    public let sform: [Double]
    /// Axis codes of the effective transform (sform if set, else qform), e.g. "RAS" or "LPS".
    public let orientation: String
    fileprivate let raw: [UInt8]

    fileprivate init(_ h: cn_header) {
        var h = h
        dims = withUnsafeBytes(of: h.dims) { Array($0.bindMemory(to: Int32.self)).map(Int.init) }
        spacing = withUnsafeBytes(of: h.spacing) { Array($0.bindMemory(to: Double.self)) }
        datatype = NiftiDatatype(code: h.datatype) ?? .float32   // cn_read_header accepts only known codes
        scaleSlope = h.slope
        scaleIntercept = h.inter
        qformCode = Int(h.qform_code)
        sformCode = Int(h.sform_code)
        qform = withUnsafeBytes(of: h.qform) { Array($0.bindMemory(to: Double.self)) }
        sform = withUnsafeBytes(of: h.sform) { Array($0.bindMemory(to: Double.self)) }
        orientation = withUnsafePointer(to: &h.orientation) {
            $0.withMemoryRebound(to: CChar.self, capacity: 4) { String(cString: $0) }
        }
        raw = withUnsafeBytes(of: h.raw) { Array($0) }
    }
}

/// Reading and writing single-file NIfTI-1 volumes (.nii, .nii.gz) through libnifti.
/// Every problem with a file (missing, not NIfTI, truncated, corrupt gzip, absurd or 4D dims,
/// NaN/Inf voxels, more voxels than the memory left holds) is a `MedadError` naming the file; nothing
/// traps.
public enum Nifti {
    /// At most this many voxels (and `maxAxis` per axis) are accepted from a header.
    public static let maxVoxels = Int(CN_MAX_VOXELS)
    public static let maxAxis = Int(CN_MAX_AXIS)

    public static func isNiftiPath(_ url: URL) -> Bool {
        let name = url.lastPathComponent
        return name.hasSuffix(".nii") || name.hasSuffix(".nii.gz")
    }

    /// Reads and validates the header only.
    public static func readHeader(_ url: URL) throws -> NiftiHeader {
        var header = cn_header()
        try call(url) { cn_read_header(url.path, &header, $0, $1) }
        return NiftiHeader(header)
    }

    /// The header and the intensity range (scl_slope/scl_inter applied) of a file, read completely
    /// with the same checks as `read` but in bounded memory (about 5 MB whatever the file claims).
    public static func range(_ url: URL) throws -> (header: NiftiHeader, min: Float, max: Float) {
        var header = cn_header()
        var low: Float = 0, high: Float = 0
        try call(url) { cn_volume_range(url.path, &header, &low, &high, $0, $1) }
        return (NiftiHeader(header), low, high)
    }

    /// Reads a 3D volume (or 2D image, as depth 1) as float32 with scl_slope/scl_inter applied.
    /// The voxels stream from the file straight into the returned array, so reading holds one float32
    /// copy plus an 8 MB chunk. Before that array is allocated, `workingCopies` arrays of its size (the
    /// caller's working set: 1 for the volume alone) must fit the memory the process has left
    /// (`MemoryBudget`); a file that needs more is an error naming it, not a trap.
    public static func read(_ url: URL, workingCopies: Int = 1) throws -> (volume: Volume, header: NiftiHeader) {
        let count = try readHeader(url).dims.reduce(1, *)
        try requireMemory(url, voxels: count, workingCopies: workingCopies)
        var header = cn_header()
        let voxels = try [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            try call(url) { cn_read_volume(url.path, &header, buffer.baseAddress, count, $0, $1) }
            initialised = count
        }
        let parsed = NiftiHeader(header)
        return (Volume(dims: parsed.dims, spacing: parsed.spacing, voxels: voxels), parsed)
    }

    /// Throws when `workingCopies` float32 arrays of `voxels` do not fit. A .nii.gz is streamed through
    /// once first (bounded memory), so that a truncated or corrupt one, whose header may claim any
    /// size, is reported as what it is rather than as too large.
    private static func requireMemory(_ url: URL, voxels: Int, workingCopies: Int) throws {
        let copies = max(1, workingCopies)
        let what = "\(voxels) voxels as float32" + (copies > 1 ? " (\(copies) volume-sized working copies)" : "")
        do {
            try MemoryBudget.require(voxels * MemoryLayout<Float>.stride * copies, for: url.path, what)
        } catch {
            if url.lastPathComponent.hasSuffix(".gz") { _ = try range(url) }
            throw error
        }
    }

    /// Writes `volume` atomically (temporary file + rename) as `datatype`; integer types round and
    /// clamp; a volume with NaN or infinite voxels is refused. With `header` (e.g. the input's, for a prediction) every header field but datatype
    /// and scaling is reused, so shape and affine match exactly; its dims must equal the volume's.
    /// Without it a fresh header with axis-aligned qform/sform from `volume.spacing` is written.
    public static func write(_ volume: Volume, to url: URL, datatype: NiftiDatatype = .float32,
                             like header: NiftiHeader? = nil) throws {
        guard isNiftiPath(url) else {
            throw MedadError("\(url.path): output must end in .nii or .nii.gz")
        }
        if let header, header.dims != volume.dims {
            throw MedadError("\(url.path): volume shape \(volume.dims) does not match the header's \(header.dims)")
        }
        let folder = try AtomicFile.createFolder(for: url)
        // The temporary keeps the real extension so that libnifti picks the same compression.
        let temporary = folder.appendingPathComponent(".tmp\(ProcessInfo.processInfo.processIdentifier)-\(url.lastPathComponent)")
        let dims = volume.dims.map { Int32($0) }
        do {
            try call(url) { err, length in
                volume.voxels.withUnsafeBufferPointer { voxels in
                    if let raw = header?.raw {
                        return cn_write_volume(temporary.path, raw, dims, volume.spacing, datatype.code,
                                               voxels.baseAddress, err, length)
                    }
                    return cn_write_volume(temporary.path, nil, dims, volume.spacing, datatype.code,
                                           voxels.baseAddress, err, length)
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw MedadError("\(url.path): cannot move the finished file into place (\(reason))")
        }
    }

    private static func call(_ url: URL, _ body: (UnsafeMutablePointer<CChar>, Int32) -> Int32) throws {
        var message = [CChar](repeating: 0, count: 512)
        let status = message.withUnsafeMutableBufferPointer { body($0.baseAddress!, Int32($0.count)) }
        if status != 0 {
            throw MedadError("\(url.path): \(String(cString: message))")
        }
    }
}
