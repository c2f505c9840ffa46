import Foundation
import MedadVolumes

/// Small synthetic "anatomy": an ellipsoidal tissue blob with asymmetric smooth texture on a zero background.
enum TestVolumes {
    static func tissue(dims: [Int], phase: Double = 0) -> Volume {
        var volume = Volume(dims: dims, filledWith: 0)
        let c = dims.map { Double($0 - 1) / 2 }
        for z in 0..<dims[2] {
            for y in 0..<dims[1] {
                for x in 0..<dims[0] {
                    let u = (Double(x) - c[0]) / (0.45 * Double(dims[0]))
                    let v = (Double(y) - c[1]) / (0.45 * Double(dims[1]))
                    let w = dims[2] > 1 ? (Double(z) - c[2]) / (0.45 * Double(dims[2])) : 0
                    guard u * u + v * v + w * w <= 1 else { continue }
                    let texture = 0.5 + 0.2 * sin(0.9 * Double(x) + 0.4 * Double(y) + phase)
                        + 0.15 * cos(0.7 * Double(y) - 0.5 * Double(z) + 0.3 * Double(x) * Double(x) / Double(dims[0]))
                    volume.voxels[volume.index(x, y, z)] = Float(texture)
                }
            }
        }
        return volume
    }

    static let slice = tissue(dims: [40, 36, 1])
    static let cube = tissue(dims: [20, 18, 16])
}
