/// The MOOD evaluation reads predicted volumes with nibabel's `get_fdata(dtype=np.float16)`, so voxel
/// scores are rounded to half precision before clipping to [0, 1]. That leaves 15,361 possible scores
/// (half bit patterns 0x0000...0x3C00, ordered like their values), which makes per-case score
/// histograms exact summaries: pooled metrics and their bootstrap resamples only add histograms.
enum HalfPrecisionScores {
    static let oneKey = 0x3C00
    static let binCount = oneKey + 1

    /// The histogram bin of a finite score after half rounding and clipping.
    @inline(__always) static func key(_ score: Float) -> Int {
        let half = Float16(score)
        if !(half > 0) { return 0 }
        if half >= 1 { return oneKey }
        return Int(half.bitPattern)
    }

    /// The score of bin `key`.
    @inline(__always) static func value(_ key: Int) -> Float { Float(Float16(bitPattern: UInt16(key))) }

    /// Every bin's score, highest first (the order RankedCounts expects).
    static let descendingThresholds: [Double] = (0...oneKey).reversed().map { Double(value($0)) }
}
