import Foundation
import MedadConfig
import MedadSupport
import MedadVolumes

/// Maps raw scores into [0, 1] from the run's validation scores.
/// Voxels: with m the median and q the 99th percentile of the normal validation voxels,
/// z = max(0, (s − m) / (q − m)) and the calibrated score is z / (1 + z): 0.5 means "as high as the
/// 99th percentile of normal voxels", everything above the normal median keeps its ranking, and it never
/// saturates (unlike min-max clipping). Volumes: with m and M the median and maximum of the normal
/// validation volume scores, the score is the logistic of (s − m) / (M − m), strictly monotone, so no
/// two test volumes tie (there are few volumes; a tie at 0 would cost sample AUROC).
struct Calibration: Equatable {
    var voxelMedian: Double
    var voxelScale: Double
    var volumeMedian: Double
    var volumeScale: Double

    /// The calibrated voxel score of the 99th percentile of normal validation voxels: the operating
    /// threshold the run fixes on validation, where `eval.postprocess.min_component` binarises.
    static let operatingPoint: Float = 0.5

    func voxel(_ raw: Float) -> Double { Self.squash(Double(raw), voxelMedian, voxelScale) }
    func volume(_ raw: Double) -> Double {
        let z = (raw - volumeMedian) / volumeScale
        return z.isFinite ? 1 / (1 + Foundation.exp(-z)) : (z > 0 ? 1 : 0)
    }

    private static func squash(_ s: Double, _ median: Double, _ scale: Double) -> Double {
        let z = max(0, (s - median) / scale)
        return z.isFinite ? z / (1 + z) : 1
    }

    /// From the raw predictions of the normal validation volumes.
    init(normalMaps: [[Float]], normalScores: [Double]) throws {
        guard !normalMaps.isEmpty else { throw MedadError("calibration: no normal validation volume") }
        // A strided sample of at most 2 M voxels keeps the percentile cheap at any volume size.
        let total = normalMaps.reduce(0) { $0 + $1.count }
        let stride = max(1, total / 2_000_000)
        var sample: [Float] = []
        for map in normalMaps { for i in Swift.stride(from: 0, to: map.count, by: stride) { sample.append(map[i]) } }
        voxelMedian = Double(Preprocess.percentile(sample, 50))
        voxelScale = max(1e-6, Double(Preprocess.percentile(sample, 99)) - voxelMedian)
        let sorted = normalScores.sorted()
        volumeMedian = sorted[sorted.count / 2]
        // With a single normal volume the spread is unknown: fall back to 5 % of the median.
        volumeScale = max(1e-6 + 0.05 * abs(volumeMedian), (sorted.last ?? volumeMedian) - volumeMedian)
    }

    init(voxelMedian: Double, voxelScale: Double, volumeMedian: Double, volumeScale: Double) {
        self.voxelMedian = voxelMedian
        self.voxelScale = voxelScale
        self.volumeMedian = volumeMedian
        self.volumeScale = volumeScale
    }

    var json: JSONValue {
        .object(JSONObject([
            ("method", .string("voxel: z/(1+z), z = max(0, (s - median) / (p99 - median)); volume: logistic((s - median) / (max - median)); statistics of the normal validation cases")),
            ("voxel_median", .number(voxelMedian)), ("voxel_scale", .number(voxelScale)),
            ("volume_median", .number(volumeMedian)), ("volume_scale", .number(volumeScale)),
        ]))
    }

    init(json: JSONValue, source: String) throws {
        let r = try ConfigReader(json, source: source)
        _ = try r.string("method")
        voxelMedian = try r.double("voxel_median")
        voxelScale = try r.double("voxel_scale")
        volumeMedian = try r.double("volume_median")
        volumeScale = try r.double("volume_scale")
        try r.finish()
    }
}
