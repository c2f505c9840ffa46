/// Copies between a volume and a dense box (x fastest), the working form of every patch anomaly.
enum BoxCopy {
    /// The box at `origin` of `size`; coordinates outside the volume are clamped to its edge.
    static func extract<T: AdditiveArithmetic>(_ voxels: [T], dims: [Int], origin: [Int], size: [Int], flipX: Bool = false) -> [T] {
        let nx = dims[0], ny = dims[1], nz = dims[2]
        var box = [T](repeating: .zero, count: size[0] * size[1] * size[2])
        voxels.withUnsafeBufferPointer { v in
            box.withUnsafeMutableBufferPointer { b in
                var j = 0
                for lz in 0..<size[2] {
                    let z = min(max(origin[2] + lz, 0), nz - 1)
                    for ly in 0..<size[1] {
                        let y = min(max(origin[1] + ly, 0), ny - 1)
                        let row = nx * (y + ny * z)
                        for lx in 0..<size[0] {
                            let sx = flipX ? size[0] - 1 - lx : lx
                            b[j] = v[row + min(max(origin[0] + sx, 0), nx - 1)]
                            j += 1
                        }
                    }
                }
            }
        }
        return box
    }

    /// Writes the box back at `origin`, only on voxels where `mask` is set (the box must lie inside the volume).
    static func write(_ box: [Float], size: [Int], origin: [Int], into voxels: inout [Float], dims: [Int], where mask: [UInt8]) {
        let nx = dims[0], ny = dims[1]
        box.withUnsafeBufferPointer { b in
            mask.withUnsafeBufferPointer { m in
                voxels.withUnsafeMutableBufferPointer { v in
                    var j = 0
                    for lz in 0..<size[2] {
                        for ly in 0..<size[1] {
                            let row = nx * (origin[1] + ly + ny * (origin[2] + lz)) + origin[0]
                            for lx in 0..<size[0] {
                                if m[row + lx] != 0 { v[row + lx] = b[j] }
                                j += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
