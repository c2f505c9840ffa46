import Foundation

/// Separable Gaussian smoothing of a dense box with edge clamping; axes of length 1 are skipped,
/// so a slice is blurred in-plane only.
enum GaussianBlur {
    static func apply(_ box: inout [Float], size: [Int], sigma: Double) {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var weights = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = weights.reduce(0, +)
        for k in weights.indices { weights[k] /= total }
        var scratch = [Float](repeating: 0, count: box.count)
        let strides = [1, size[0], size[0] * size[1]]
        for axis in 0..<3 where size[axis] > 1 {
            pass(&box, &scratch, size: size, axis: axis, stride: strides[axis], weights: weights, radius: radius)
        }
    }

    private static func pass(_ box: inout [Float], _ scratch: inout [Float], size: [Int], axis: Int, stride: Int,
                             weights: [Float], radius: Int) {
        let length = size[axis]
        weights.withUnsafeBufferPointer { w in
            box.withUnsafeMutableBufferPointer { b in
                scratch.withUnsafeMutableBufferPointer { s in
                    for i in 0..<b.count {
                        let position = (i / stride) % length
                        let lineStart = i - position * stride
                        var sum: Float = 0
                        for k in -radius...radius {
                            let p = min(max(position + k, 0), length - 1)
                            sum += w[k + radius] * b[lineStart + p * stride]
                        }
                        s[i] = sum
                    }
                    for i in 0..<b.count { b[i] = s[i] }
                }
            }
        }
    }
}
