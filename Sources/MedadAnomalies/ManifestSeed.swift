import MedadSupport

/// Seeds written into manifests and case lists: derived per stream from one base seed, and kept
/// below 2^53 so that every JSON reader (JavaScript, pandas) holds them exactly.
enum ManifestSeed {
    static func derive(_ base: UInt64, stream: UInt64) -> UInt64 {
        var random = SeededRandom(seed: base).split(stream)
        return random.next() >> 11
    }
}
