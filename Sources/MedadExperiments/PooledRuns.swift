import Foundation
import MedadMetrics
import MedadSupport

/// Metrics over several evaluated runs at once, as a leave-one-volume-out table pools its folds:
/// sample AP and AUROC over the union of the runs' cases (with a bootstrap interval), pixel AP and
/// AUROC over their summed voxel histograms. For runs outside a sweep, such as a twin adopted with
/// `medad zoo adopt`, whose pooled numbers no report would otherwise show.
public enum PooledRuns {
    public struct Value {
        public let metric: String
        public let value: Double?
        public let interval: (low: Double, high: Double)?
    }

    public static func metrics(_ directories: [URL], resamples: Int = 1000) throws -> [Value] {
        guard !directories.isEmpty else { throw MedadError("pool: give at least one evaluated run directory") }
        let records = try directories.map { directory in
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(CellStatus.resultFile).path) else {
                throw MedadError("\(directory.path): no \(CellStatus.resultFile); evaluate the run first (medad evaluate --run)")
            }
            return try RunRecord(directory: directory, cellId: directory.lastPathComponent)
        }
        return try TestSetBreakdown.poolable.map { metric in
            let pooled = try TestSetBreakdown.pooledValue(metric, records, resamples: resamples)
            return Value(metric: metric, value: pooled?.value, interval: pooled?.interval)
        }
    }
}
