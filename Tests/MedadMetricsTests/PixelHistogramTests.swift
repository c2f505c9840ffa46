import Foundation
import Testing
import MedadMetrics
import MedadSupport
import MedadTestSupport

@Suite struct PixelHistogramTests {
    /// Cases with scores spread over many half-precision bins (including 0, 1 and values outside [0, 1])
    /// and lesions of varying size.
    func summaries(_ first: Int, _ count: Int, seed: UInt64) throws -> [PixelCaseSummary] {
        var random = SeededRandom(seed: seed)
        let dims = [8, 6, 3], n = dims.reduce(1, *)
        return try (first..<(first + count)).map { c in
            let label = (0..<n).map { i -> Float in c % 3 != 0 && i % 8 < 2 + c % 4 && i / 8 % 6 < 3 ? 1 : 0 }
            let scores = label.map { Float(random.nextInt(4000)) / 3000 - 0.1 + $0 * Float(c % 5) / 10 }
            return try PixelCaseSummary(name: "c\(c)", prediction: scores, label: ScoreVolume(dims: dims, voxels: label))
        }
    }

    @Test func mergedHistogramsGiveThePooledMetricsOfAllCases() throws {
        let a = try summaries(0, 5, seed: 3), b = try summaries(5, 4, seed: 4)
        let merged = PixelHistogram(summaries: a).merged(PixelHistogram(summaries: b))
        let all = MOODPixelScoring.score(summaries: a + b, options: MOODScoringOptions(bootstrap: Bootstrap(resamples: 10)))
        #expect(merged.cases == 9)
        #expect(merged == PixelHistogram(summaries: a + b))
        #expect(merged.averagePrecision == all[metric: "ap"]!)
        #expect(merged.auroc == all[metric: "auroc"]!)
        #expect(merged.averagePrecision.number! > 0 && merged.bins.count > 100)
        // Merging is symmetric, and an empty histogram changes nothing.
        #expect(PixelHistogram(summaries: b).merged(PixelHistogram(summaries: a)) == merged)
        #expect(merged.merged(PixelHistogram(summaries: [])) == merged)
    }

    @Test func jsonRoundTripIsLosslessAndBadFilesAreRefused() throws {
        let scratch = try TemporaryFolder()
        let histogram = PixelHistogram(summaries: try summaries(0, 6, seed: 9))
        let url = scratch.file(PixelHistogram.fileName)
        try histogram.write(to: url)
        let read = try PixelHistogram(contentsOf: url)
        #expect(read == histogram)
        #expect(read.averagePrecision == histogram.averagePrecision)
        #expect(read.bins.allSatisfy { $0 >= 0 && $0 <= 0x3C00 } && !read.bins.isEmpty)
        for bad in [#"{"cases":1,"bins":[5,3],"negatives":[1,1],"positives":[0,0]}"#,
                    #"{"cases":1,"bins":[15361],"negatives":[1],"positives":[0]}"#,
                    #"{"cases":1,"bins":[1,2],"negatives":[1],"positives":[0,1]}"#] {
            try scratch.write("bad.json", bad)
            #expect(throws: MedadError.self) { try PixelHistogram(contentsOf: scratch.file("bad.json")) }
        }
    }
}
