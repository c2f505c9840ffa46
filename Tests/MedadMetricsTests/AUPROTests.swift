import Testing
import MedadMetrics
import MedadSupport

@Suite struct AUPROTests {
    /// Straight from the definition: at every distinct threshold, PRO = mean over lesions of the covered
    /// fraction and FPR over normal voxels; trapezoids up to FPR 0.3, interpolated at the limit, / 0.3.
    func bruteForceAUPRO(scores: [Float], label: [UInt8], dims: [Int]) throws -> Double {
        let lesions = try ConnectedComponents(mask: label, dims: dims)
        let normal = label.filter { $0 == 0 }.count
        var points: [(fpr: Double, pro: Double)] = [(0, 0)]
        for t in Set(scores).sorted(by: >) {
            var covered = [Int](repeating: 0, count: lesions.count + 1), fp = 0
            for i in scores.indices where scores[i] >= t {
                if lesions.labels[i] > 0 { covered[Int(lesions.labels[i])] += 1 } else { fp += 1 }
            }
            let pro = (1...lesions.count).reduce(0.0) { $0 + Double(covered[$1]) / Double(lesions.sizes[$1]) } / Double(lesions.count)
            points.append((Double(fp) / Double(normal), pro))
        }
        var area = 0.0
        for (a, b) in zip(points, points.dropFirst()) {
            if b.fpr >= 0.3 {
                let y = a.pro + (b.pro - a.pro) * (0.3 - a.fpr) / (b.fpr - a.fpr)
                return (area + (0.3 - a.fpr) * (a.pro + y) / 2) / 0.3
            }
            area += (b.fpr - a.fpr) * (a.pro + b.pro) / 2
        }
        return area / 0.3
    }

    @Test func matchesDefinitionOnRandomVolumes() throws {
        var random = SeededRandom(seed: 21)
        let dims = [10, 9, 5], n = dims.reduce(1, *)
        for _ in 0..<3 {
            let label = (0..<n).map { _ in UInt8(random.nextDouble() < 0.12 ? 1 : 0) }
            // Multiples of 1/64 are exact in half precision, so MOOD's rounding leaves them alone.
            let scores = (0..<n).map { i in Float(min(64, random.nextInt(40) + (label[i] == 1 ? random.nextInt(30) : 0))) / 64 }
            let summary = try PixelCaseSummary(name: "case", prediction: scores, label: ScoreVolume(dims: dims, voxels: label.map(Float.init)))
            let expected = try bruteForceAUPRO(scores: scores, label: label, dims: dims)
            #expect(abs(summary.counts.aupro().number! - expected) < 1e-12)
        }
    }

    /// One lesion of 2 voxels, 10 normal voxels: by hand.
    @Test func handComputed() throws {
        let scores: [Float] = [0.9, 0.5] + [0.75] + [Float](repeating: 0.25, count: 9)
        let label: [Float] = [1, 1] + [Float](repeating: 0, count: 10)
        let summary = try PixelCaseSummary(name: "c", prediction: scores, label: ScoreVolume(dims: [12, 1, 1], voxels: label))
        // Points: (0, 0) -> (0, 0.5) at 0.9 -> (0.1, 0.5) at 0.75 -> (0.1, 1) at 0.5 -> (1, 1) at 0.25.
        // Area to 0.3: 0.1 * 0.5 + 0.2 * 1 = 0.25, normalised 0.25 / 0.3.
        #expect(abs(summary.counts.aupro().number! - 0.25 / 0.3) < 1e-12)
    }
}
