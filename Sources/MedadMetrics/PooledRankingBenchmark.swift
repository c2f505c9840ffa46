import Foundation
import MedadSupport

/// Times the exact pooled voxel AP on synthetic MOOD-sized data: `volumes` cubes of `side`³ voxels whose
/// scores are mostly low background noise at full float resolution (millions of distinct values, the
/// hard case for sorting), with a few spherical lesions scoring higher and a few high-scoring
/// false-positive blobs.
public enum PooledRankingBenchmark {
    public struct Result: Sendable {
        public let voxels: Int
        public let generateSeconds: Double
        /// Wall time of each timed run of PooledRanking.
        public let seconds: [Double]
        public let ranking: PooledRanking
        /// Peak resident memory of the process (VmHWM), nil where /proc is unavailable.
        public let peakResidentBytes: Int?
    }

    public static func run(volumes: Int = 8, side: Int = 256, repeats: Int = 3, seed: UInt64 = 0) throws -> Result {
        precondition(volumes > 0 && side >= 32 && repeats > 0, "benchmark needs volumes > 0, side >= 32, repeats > 0")
        let start = Date()
        var scores = [[Float]](repeating: [], count: volumes), labels = [[UInt8]](repeating: [], count: volumes)
        let root = SeededRandom(seed: seed)
        scores.withUnsafeMutableBufferPointer { s in
            labels.withUnsafeMutableBufferPointer { l in
                let (s, l) = (s, l)
                DispatchQueue.concurrentPerform(iterations: volumes) { v in
                    (s[v], l[v]) = syntheticVolume(side: side, random: root.split(UInt64(v)))
                }
            }
        }
        let generateSeconds = Date().timeIntervalSince(start)
        var seconds: [Double] = [], ranking: PooledRanking?
        for _ in 0..<repeats {
            let t0 = Date()
            ranking = try PooledRanking(scores: scores, labels: labels)
            seconds.append(Date().timeIntervalSince(t0))
        }
        return Result(voxels: volumes * side * side * side, generateSeconds: generateSeconds, seconds: seconds,
                      ranking: ranking!, peakResidentBytes: ProcessMemory.peakResidentBytes())
    }

    static func syntheticVolume(side: Int, random: SeededRandom) -> ([Float], [UInt8]) {
        var random = random
        let n = side * side * side
        var scores = [Float](repeating: 0, count: n), labels = [UInt8](repeating: 0, count: n)
        scores.withUnsafeMutableBufferPointer { s in
            for i in 0..<n {
                let u = random.nextFloat()
                s[i] = 0.25 * u * u * u  // background: mostly near 0, a long tail up to 0.25
            }
        }
        for blob in 0..<9 {
            let isLesion = blob < 6
            let radius = 3 + random.nextInt(10)
            let centre = (0..<3).map { _ in radius + random.nextInt(side - 2 * radius) }
            let base: Float = isLesion ? 0.2 + 0.4 * random.nextFloat() : 0.3 * random.nextFloat()
            for z in (centre[2] - radius)...(centre[2] + radius) {
                for y in (centre[1] - radius)...(centre[1] + radius) {
                    for x in (centre[0] - radius)...(centre[0] + radius) {
                        let d = (x - centre[0]) * (x - centre[0]) + (y - centre[1]) * (y - centre[1]) + (z - centre[2]) * (z - centre[2])
                        guard d <= radius * radius else { continue }
                        let i = x + side * (y + side * z)
                        scores[i] = min(1, base + 0.4 * random.nextFloat())
                        if isLesion { labels[i] = 1 }
                    }
                }
            }
        }
        return (scores, labels)
    }
}
