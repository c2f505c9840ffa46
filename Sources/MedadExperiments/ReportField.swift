import Foundation

/// What in a report's text files comes from the runs rather than from the config or the report's own
/// words. While the files are generated each such value is wrapped in private-use markers naming its
/// kind, so that `Report.compare` can hold text and structure to the letter and these values to a
/// tolerance; `plain` drops the markers before anything is written.
enum ReportField {
    enum Kind: Character {
        /// A metric, its std, interval bound or p-value: compared within the tolerance.
        case measured = "m"
        /// Wall-clock seconds: never compared (not even one machine repeats them).
        case timing = "t"
        /// An average rank or a best-of-column flag: exact, or not compared under a tolerance, since
        /// orderings flip at near-ties however small the tolerance.
        case rank = "r"
        /// Plotted data in a figure (one series' coordinates): exact, or not compared under a tolerance;
        /// the tables hold the same values.
        case plot = "p"
        /// A mark that a value may or may not carry (bold for best, \* for p < 0.05): like `rank`.
        case mark = "k"
    }

    enum Segment: Equatable {
        case text(String)
        case value(Kind, String)
        /// A mark and whether this value carries it.
        case mark(String, present: Bool)
    }

    private static let open: Character = "\u{E000}", close: Character = "\u{E001}"

    static func tag(_ kind: Kind, _ text: String) -> String { "\(open)\(kind.rawValue)\(text)\(close)" }

    /// `text` where `present`, nothing otherwise; tagged either way, so a check knows the mark may stand here.
    static func mark(_ text: String, present: Bool) -> String { tag(.mark, (present ? "+" : "-") + text) }

    static func segments(_ tagged: String) -> [Segment] {
        var segments: [Segment] = [], rest = Substring(tagged)
        while let start = rest.firstIndex(of: open) {
            if start > rest.startIndex { segments.append(.text(String(rest[..<start]))) }
            let body = rest[rest.index(after: start)...]
            let end = body.firstIndex(of: close)!
            let kind = Kind(rawValue: body.first!)!
            let payload = String(body[body.index(after: body.startIndex)..<end])
            segments.append(kind == .mark ? .mark(String(payload.dropFirst()), present: payload.first == "+") : .value(kind, payload))
            rest = body[body.index(after: end)...]
        }
        if !rest.isEmpty { segments.append(.text(String(rest))) }
        return segments
    }

    /// The text as written: markers dropped, absent marks empty.
    static func plain(_ tagged: String) -> String {
        segments(tagged).map { segment in
            switch segment {
            case .text(let text), .value(_, let text): return text
            case .mark(let text, let present): return present ? text : ""
            }
        }.joined()
    }
}
