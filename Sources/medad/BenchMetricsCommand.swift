import ArgumentParser
import Foundation
import MedadMetrics

/// `medad bench metrics`: exact pooled voxel AP over MOOD-sized synthetic volumes.
struct BenchMetrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time the exact pooled voxel AP over synthetic volumes (default 8 of 256³) and report peak memory."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "Number of volumes.") var volumes = 8
    @Option(help: "Edge length of each cubic volume.") var side = 256
    @Option(help: "Timed runs.") var repeats = 3
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func validate() throws {
        guard volumes > 0, side >= 32, side <= 1024, repeats > 0 else {
            throw ValidationError("--volumes and --repeats must be positive and --side in 32...1024")
        }
    }

    func run() throws {
        global.apply()
        let result = try PooledRankingBenchmark.run(volumes: volumes, side: side, repeats: repeats)
        let ranking = result.ranking
        let peakMB = result.peakResidentBytes.map { Double($0) / 1_048_576 }
        if json {
            let object: [String: Any] = [
                "voxels": result.voxels, "volumes": volumes, "side": side, "threads": global.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                "seconds": result.seconds, "best_seconds": result.seconds.min()!, "generate_seconds": result.generateSeconds,
                "ap": ranking.averagePrecision.jsonValue, "auroc": ranking.auroc.jsonValue,
                "positives": ranking.positives, "distinct_scores": ranking.distinctScores,
                "peak_rss_mb": peakMB ?? NSNull(),
            ]
            try printJSON(object)
        } else {
            print("pooled voxel AP over \(volumes) volumes of \(side)³ = \(result.voxels) voxels "
                  + "(\(ranking.positives) anomalous, \(ranking.distinctScores) distinct scores)")
            print("generate: \(String(format: "%.2f", result.generateSeconds)) s")
            print("runs:     " + result.seconds.map { String(format: "%.3f s", $0) }.joined(separator: ", "))
            print("AP \(ranking.averagePrecision)   AUROC \(ranking.auroc)   best Dice \(ranking.bestDice)")
            print("peak RSS: " + (peakMB.map { String(format: "%.0f MB", $0) } ?? "unavailable"))
        }
    }
}
