import Foundation
import MedadSupport

extension GeneratedReport {
    /// Regenerates in memory and compares with the files in `folder`: every text and table cell, text
    /// and structure to the letter, the values from the runs (`ReportField`) exactly or within
    /// `tolerance`, timings never; images byte for byte, or under a tolerance by their size only.
    public func compare(against folder: URL, tolerance: ReportTolerance = .exact) throws -> ReportCheck {
        var result = ReportCheck(tolerance: tolerance)
        for (path, data) in try taggedFiles().files {
            let url = folder.appendingPathComponent(path)
            guard let existing = FileManager.default.contents(atPath: url.path) else {
                result.failures.append("\(url.relativePath): missing")
                result.textFailures += 1
                continue
            }
            if path.hasSuffix(".png") {
                guard existing != data else { continue }
                // An example map follows the trained weights pixel by pixel; its size (IHDR) follows the data.
                if tolerance.isExact || existing.count < 24 || existing[16..<24] != data[16..<24] {
                    result.failures.append("\(url.relativePath): image differs from what the results give")
                } else {
                    result.uncompared += 1
                }
                continue
            }
            result.compareText(url.relativePath, tagged: String(decoding: data, as: UTF8.self), actual: String(decoding: existing, as: UTF8.self))
        }
        return result
    }

    /// `compare`, throwing with the number of differences and the first of them when there are any.
    public func check(against folder: URL, tolerance: ReportTolerance = .exact) throws {
        let result = try compare(against: folder, tolerance: tolerance)
        guard let first = result.failures.first else { return }
        throw MedadError("\(result.failures.count) difference(s) from what the results give, the first: \(first); run \(command)")
    }
}

/// What `Report.compare` found: one line per difference that fails, and what was compared.
public struct ReportCheck {
    public let tolerance: ReportTolerance
    /// `file:line: table cell: notebook has …, results give … (off by …)`, or the first differing text of a file.
    public internal(set) var failures: [String] = []
    /// Values from the runs compared (metrics, stds, interval bounds, p-values).
    public internal(set) var compared = 0
    /// Of those, how many differ within the tolerance, and the largest such difference with its place.
    public internal(set) var differing = 0
    public internal(set) var largest: (difference: Double, place: String)?
    /// Ranks, best and significance marks, plotted data and example images that differ, which a
    /// tolerance does not compare (they jump at near-ties and thresholds, whatever the tolerance).
    public internal(set) var uncompared = 0
    /// Timing values, never compared.
    public internal(set) var timings = 0
    /// Failures of text or structure (a file missing, its text differing), as against values from the runs.
    public internal(set) var textFailures = 0

    public var passed: Bool { failures.isEmpty }

    /// One line for a check that passed.
    public var summary: String {
        let extra = (uncompared > 0 ? "; \(uncompared) ranks, marks and figures differ (not compared under a tolerance)" : "")
            + "; \(timings) timings not compared"
        guard !tolerance.isExact else { return "\(compared) values from the runs as the results give" + extra }
        let spread = largest.map { ", \(differing) differ, by at most \(String(format: "%g", $0.difference)) (\($0.place))" } ?? ", none differs"
        return "\(compared) values from the runs within \(tolerance)" + spread + extra
    }

    /// Compares one text file on disk with its regenerated, tagged text (`ReportField`): text to the
    /// letter; values by kind and tolerance. After a text difference the rest of the file is not compared.
    mutating func compareText(_ name: String, tagged: String, actual: String) {
        let segments = ReportField.segments(tagged)
        let expectedLines = ReportField.plain(tagged).split(separator: "\n", omittingEmptySubsequences: false)
        let lines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var cursor = Cursor(text: actual)
        var templateLine = 0

        func place() -> String {
            let offset = actual.distance(from: cursor.lineStart, to: cursor.index)
            let rowEnd = cursor.firstValue.map { actual.distance(from: cursor.lineStart, to: $0) } ?? offset
            let cell = ReportLocation.describe(path: name, lines: lines, line: cursor.line, offset: offset, rowEnd: rowEnd)
            return "\(name):\(cursor.line + 1)" + (cell.map { ": \($0)" } ?? "")
        }
        var k = 0
        func textDiffers(_ literal: String) {
            // Move both sides to where they part, so the lines shown are the differing ones.
            var matched = literal.startIndex
            while matched < literal.endIndex, cursor.index < actual.endIndex, literal[matched] == actual[cursor.index] {
                if literal[matched] == "\n" { templateLine += 1 }
                cursor.advance(to: actual.index(after: cursor.index))
                matched = literal.index(after: matched)
            }
            let has = cursor.index < actual.endIndex ? String(lines[cursor.line]) : "<end of file>"
            let expected = k < segments.count && templateLine < expectedLines.count ? String(expectedLines[templateLine]) : "<end of file>"
            textFailures += 1
            failures.append("\(name):\(cursor.line + 1): text differs: has \"\(has)\", expected \"\(expected)\"")
        }

        while k < segments.count {
            let segment = segments[k]
            switch segment {
            case .text(let literal):
                guard actual[cursor.index...].hasPrefix(literal) else { return textDiffers(literal) }
                cursor.advance(to: actual.index(cursor.index, offsetBy: literal.count))
            case .value(.plot, let shown):
                // A series' data runs to the text that follows it (its legend).
                guard case .text(let next)? = segments[(k + 1)...].first,
                      let end = actual.range(of: next, range: cursor.index..<actual.endIndex)?.lowerBound else { return textDiffers(shown) }
                if actual[cursor.index..<end] != shown {
                    if tolerance.isExact { failures.append("\(place()): plotted data differ from what the results give") } else { uncompared += 1 }
                }
                cursor.advance(to: end)
            case .value(let kind, let shown):
                cursor.noteValue()
                guard let end = Self.numberEnd(actual, from: cursor.index) else { return textDiffers(shown) }
                compareValue(kind, notebook: String(actual[cursor.index..<end]), results: shown, place: place)
                cursor.advance(to: end)
            case .mark(let mark, let present):
                cursor.noteValue()
                let has = actual[cursor.index...].hasPrefix(mark)
                if has != present {
                    if tolerance.isExact { failures.append("\(place()): \"\(mark)\" in the \(has ? "notebook" : "results") only") } else { uncompared += 1 }
                }
                if has { cursor.advance(to: actual.index(cursor.index, offsetBy: mark.count)) }
            }
            templateLine += segment.plainNewlines
            k += 1
        }
        if cursor.index < actual.endIndex { textDiffers("") }
    }

    private mutating func compareValue(_ kind: ReportField.Kind, notebook: String, results: String, place: () -> String) {
        switch kind {
        case .timing:
            timings += 1
        case .measured:
            compared += 1
            guard notebook != results else { return }
            let a = Double(notebook) ?? .nan, b = Double(results) ?? .nan
            let difference = a.isNaN || b.isNaN ? Double.infinity : abs(a - b)
            let where_ = place()
            if !tolerance.isExact && tolerance.allows(a, b) {
                differing += 1
                if difference > (largest?.difference ?? -1) { largest = (difference, where_) }
            } else {
                let beyond = tolerance.isExact ? "" : ", beyond \(tolerance)"
                failures.append("\(where_): notebook has \(notebook), results give \(results) (off by \(String(format: "%g", difference))\(beyond))")
            }
        case .rank, .mark, .plot:
            guard notebook != results else { return }
            if tolerance.isExact { failures.append("\(place()): notebook has \(notebook), results give \(results)") } else { uncompared += 1 }
        }
    }

    /// The end of a number printed by `ReportFormat` (`-0.125`, `12`, `nan`) starting at `start`.
    static func numberEnd(_ text: String, from start: String.Index) -> String.Index? {
        var index = start
        if index < text.endIndex && text[index] == "-" { index = text.index(after: index) }
        for word in ["nan", "inf"] where text[index...].hasPrefix(word) { return text.index(index, offsetBy: word.count) }
        var digits = 0
        func skipDigits() {
            while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index); digits += 1 }
        }
        skipDigits()
        if digits > 0, index < text.endIndex, text[index] == "." { index = text.index(after: index); skipDigits() }
        return digits > 0 ? index : nil
    }

    /// Where the comparison stands in the file on disk: line, its start, the line's first value.
    private struct Cursor {
        let text: String
        var index: String.Index
        var line = 0
        var lineStart: String.Index
        var firstValue: String.Index?

        init(text: String) {
            self.text = text
            index = text.startIndex
            lineStart = text.startIndex
        }

        mutating func advance(to end: String.Index) {
            for position in text[index..<end].indices where text[position] == "\n" {
                line += 1
                lineStart = text.index(after: position)
                firstValue = nil
            }
            index = end
        }

        mutating func noteValue() { if firstValue == nil { firstValue = index } }
    }
}

private extension ReportField.Segment {
    var plainNewlines: Int {
        switch self {
        case .text(let text), .value(_, let text): return text.filter { $0 == "\n" }.count
        case .mark(let text, let present): return present ? text.filter { $0 == "\n" }.count : 0
        }
    }
}
