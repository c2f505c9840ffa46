/// "Did you mean" for mistyped keys and values: the closest candidate by edit distance, when close.
public enum Suggestion {
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let length = word.count, limit = max(2, length / 3)
        // The distance is at least the difference in length: skipping candidates that cannot be close
        // keeps a megabyte-long word from costing length × candidate length.
        let scored = candidates.filter { abs($0.count - length) <= limit }
            .map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= limit ? best.0 : nil
    }

    /// " (did you mean "x"?)" or "".
    public static func phrase(for word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { " (did you mean \"\($0)\"?)" } ?? ""
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
