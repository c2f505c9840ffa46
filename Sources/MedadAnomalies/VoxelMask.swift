/// Whole-volume 0/1 mask conversions, as plain loops over buffers (volumes reach 10^7 voxels).
enum VoxelMask {
    /// 1 where `values[i] > threshold`.
    static func above(_ threshold: Float, in values: [Float]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: values.count) { out, initialised in
            values.withUnsafeBufferPointer { v in
                for i in 0..<v.count { out[i] = v[i] > threshold ? 1 : 0 }
            }
            initialised = values.count
        }
    }

    /// 1 where `mask[i] != 0`.
    static func binarised(_ mask: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: mask.count) { out, initialised in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<m.count { out[i] = m[i] != 0 ? 1 : 0 }
            }
            initialised = mask.count
        }
    }

    static func count(_ mask: [UInt8]) -> Int {
        mask.withUnsafeBufferPointer { m in
            var total = 0
            for i in 0..<m.count where m[i] != 0 { total += 1 }
            return total
        }
    }

    static func floats(_ mask: [UInt8]) -> [Float] {
        [Float](unsafeUninitializedCapacity: mask.count) { out, initialised in
            mask.withUnsafeBufferPointer { m in
                for i in 0..<m.count { out[i] = Float(m[i]) }
            }
            initialised = mask.count
        }
    }
}
