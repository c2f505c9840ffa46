import CKernels
import MedadSupport

/// Connected components of a binary mask: 26-connectivity in 3D, 8-connectivity for slices (nz == 1).
public struct ConnectedComponents: Sendable {
    /// 0 for background, 1...count per component, numbered in raster order (x fastest) of first voxels.
    public let labels: [Int32]
    public let count: Int
    /// Voxels per component; `sizes[0]` is the background.
    public let sizes: [Int]

    /// `mask` nonzero = foreground, `dims` = [nx, ny, nz] with x fastest.
    public init(mask: [UInt8], dims: [Int]) throws {
        precondition(dims.count == 3 && dims.reduce(1, *) == mask.count, "mask size does not match dims \(dims)")
        guard mask.count <= Int(Int32.max) else {
            throw MedadError("connected components: \(mask.count) voxels exceed the 2^31 limit of one volume")
        }
        var labels = [Int32](repeating: 0, count: mask.count)
        let count = labels.withUnsafeMutableBufferPointer { out in
            ck_label_components(mask, Int64(dims[0]), Int64(dims[1]), Int64(dims[2]), out.baseAddress)
        }
        guard count >= 0 else { throw MedadError("connected components: out of memory for \(mask.count) voxels") }
        var sizes = [Int](repeating: 0, count: Int(count) + 1)
        for label in labels { sizes[Int(label)] += 1 }
        self.labels = labels
        self.count = Int(count)
        self.sizes = sizes
    }
}
