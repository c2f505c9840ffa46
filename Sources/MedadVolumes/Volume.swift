/// A scalar image on a regular grid: a 3D volume, or a 2D slice stored with depth 1.
/// Voxels are float32 in NIfTI order (x fastest): index = x + nx * (y + ny * z).
public struct Volume {
    /// [nx, ny, nz]; nz == 1 for a slice.
    public var dims: [Int]
    /// Voxel size in millimetres along x, y, z.
    public var spacing: [Double]
    public var voxels: [Float]

    public init(dims: [Int], spacing: [Double] = [1, 1, 1], voxels: [Float]) {
        precondition(dims.count == 3 && spacing.count == 3, "Volume needs three dims and three spacings")
        precondition(dims.allSatisfy { $0 > 0 } && dims.reduce(1, *) == voxels.count,
                     "Volume dims \(dims) do not match \(voxels.count) voxels")
        self.dims = dims
        self.spacing = spacing
        self.voxels = voxels
    }

    /// A volume of the given dims filled with one value.
    public init(dims: [Int], spacing: [Double] = [1, 1, 1], filledWith value: Float = 0) {
        self.init(dims: dims, spacing: spacing, voxels: [Float](repeating: value, count: dims.reduce(1, *)))
    }

    public var count: Int { voxels.count }
    public var isSlice: Bool { dims[2] == 1 }

    @inline(__always) public func index(_ x: Int, _ y: Int, _ z: Int) -> Int {
        x + dims[0] * (y + dims[1] * z)
    }
}
