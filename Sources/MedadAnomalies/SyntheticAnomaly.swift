import MedadVolumes

/// One generated anomaly: the altered image and the voxels it altered.
public struct SyntheticAnomaly {
    /// The input with the anomaly applied; dims and spacing are the input's.
    public var image: Volume
    /// 1 where the anomaly was applied (always inside the foreground), else 0; same indexing as `image`.
    public var mask: [UInt8]
    public var type: AnomalyType
    /// Mean absolute intensity change over the mask voxels, in image units: one scale for every type,
    /// so results can be binned by how visible an anomaly is.
    public var severity: Double
    /// The sampled generator parameters (e.g. "alpha", "sigma", "intensity"), for the record.
    public var parameters: [String: Double]

    /// Number of voxels in the mask.
    public var maskVoxelCount: Int { VoxelMask.count(mask) }

    /// The mask as a 0/1 volume with the image's geometry, ready to be written as a label map.
    public var maskVolume: Volume {
        Volume(dims: image.dims, spacing: image.spacing, voxels: VoxelMask.floats(mask))
    }
}
