import Foundation

/// The one random generator of medad: xoshiro256** seeded through SplitMix64.
/// Splitting derives an independent stream per worker, sample or layer, so that results depend on
/// the seed (and thread count) only, never on scheduling.
public struct SeededRandom: RandomNumberGenerator {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next(); s1 = mixer.next(); s2 = mixer.next(); s3 = mixer.next()
    }

    /// An independent generator for stream `index`; the parent is left untouched.
    public func split(_ index: UInt64) -> SeededRandom {
        var mixer = SplitMix64(state: s0 ^ (index &* 0x9E37_79B9_7F4A_7C15) ^ s3.rotatedLeft(17))
        return SeededRandom(seed: mixer.next() ^ s1)
    }

    public mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits, exactly representable as Float.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextDouble()
    }

    /// Standard normal by Box-Muller (one value per call keeps the stream position simple to reason about).
    public mutating func nextNormal() -> Double {
        let u1 = 1.0 - nextDouble()  // in (0, 1], so log is finite
        let u2 = nextDouble()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// Uniform integer in 0..<bound.
    public mutating func nextInt(_ bound: Int) -> Int {
        precondition(bound > 0, "nextInt needs a positive bound")
        return Int(next(upperBound: UInt64(bound)))
    }
}

private struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
