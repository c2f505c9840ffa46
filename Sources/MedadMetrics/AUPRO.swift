// Area under the per-region-overlap curve (AUPRO), after Bergmann et al., "The MVTec Anomaly Detection
// Dataset", IJCV 2021: PRO(t) is the mean over ground-truth components of the fraction of the component
// scoring >= t; FPR(t) is pooled over all normal voxels; the curve is integrated (trapezoids) up to an FPR
// limit and divided by that limit. A positive voxel of component c carries weight 1/|c|, which turns
// PRO into a weighted TPR, so the ranking machinery of RankedCounts gives the exact curve.

extension RankedCounts {
    /// Normalised AUPRO up to `maxFPR`; needs `positiveWeights` (1 / component size per positive voxel).
    public func aupro(maxFPR: Double = 0.3) -> MetricValue {
        precondition(maxFPR > 0 && maxFPR <= 1, "maxFPR must be in (0, 1]")
        guard let weights = positiveWeights else { return .undefined("no lesion weights given") }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { return .undefined("no lesions") }
        guard totalNegatives > 0 else { return .undefined("no normal voxels") }
        var area = 0.0, x = 0.0, y = 0.0, weight = 0.0, fp = 0
        for k in thresholds.indices {
            weight += weights[k]; fp += negatives[k]
            let nextX = Double(fp) / Double(totalNegatives), nextY = weight / totalWeight
            if nextX >= maxFPR {
                let yAtLimit = nextX > x ? y + (nextY - y) * (maxFPR - x) / (nextX - x) : nextY
                area += (maxFPR - x) * (y + yAtLimit) / 2
                return .value(area / maxFPR)
            }
            area += (nextX - x) * (y + nextY) / 2
            x = nextX; y = nextY
        }
        return .value(area / maxFPR)
    }
}
