/// 2D slices of a volume along any axis, for slice-wise models.
public enum Slicing {
    /// Slice `index` across `axis` (0, 1 or 2) as a Volume of depth 1: across x it is (y, z),
    /// across y it is (x, z), across z it is (x, y); spacing follows the kept axes.
    public static func slice(_ volume: Volume, axis: Int, index: Int) -> Volume {
        precondition((0..<3).contains(axis) && (0..<volume.dims[axis]).contains(index),
                     "slice \(index) across axis \(axis) outside \(volume.dims)")
        let kept = (0..<3).filter { $0 != axis }
        let (width, height) = (volume.dims[kept[0]], volume.dims[kept[1]])
        var out = [Float](repeating: 0, count: width * height)
        volume.voxels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                var position = [0, 0, 0]
                position[axis] = index
                for v in 0..<height {
                    position[kept[1]] = v
                    for u in 0..<width {
                        position[kept[0]] = u
                        target[u + width * v] = source[volume.index(position[0], position[1], position[2])]
                    }
                }
            }
        }
        return Volume(dims: [width, height, 1], spacing: [volume.spacing[kept[0]], volume.spacing[kept[1]], volume.spacing[axis]],
                      voxels: out)
    }

    /// All slices across `axis` whose fraction of voxels above `threshold` is at least
    /// `minForeground` (0 keeps every slice), with their indices.
    public static func slices(_ volume: Volume, axis: Int, threshold: Float = 0,
                              minForeground: Double = 0.01) -> [(index: Int, slice: Volume)] {
        (0..<volume.dims[axis]).compactMap { index in
            let slice = slice(volume, axis: axis, index: index)
            let foreground = slice.voxels.withUnsafeBufferPointer { $0.reduce(0) { $0 + ($1 > threshold ? 1 : 0) } }
            return Double(foreground) >= minForeground * Double(slice.count) ? (index, slice) : nil
        }
    }
}
