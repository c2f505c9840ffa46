import Foundation

/// Names the table cell a value of a report file stands in, for `report --check`'s one line per
/// difference: `table "`sample.ap` by label ratio", row cnn-s · ae, column r = 0.25`. Knows the three
/// table formats the report writes (Markdown, CSV, LaTeX); elsewhere (figures) the line must do.
enum ReportLocation {
    /// `lines` of the file, the value's 0-based `line`, its character offset in the line and that of the
    /// line's first value (the cells before it label the row).
    static func describe(path: String, lines: [Substring], line: Int, offset: Int, rowEnd: Int) -> String? {
        let text = lines[line]
        let format: (separator: Character, leading: Bool)
        switch (path as NSString).pathExtension {
        case "md" where text.hasPrefix("|"): format = ("|", true)
        case "csv" where line > 0: format = (",", false)
        case "tex" where text.contains("&"): format = ("&", false)
        default: return nil
        }
        func cells(_ line: Substring, upTo end: Int? = nil) -> [String] {
            let part = end.map { line.prefix($0) } ?? line
            var cells = split(part, at: format.separator)
            if format.leading { cells.removeFirst() }
            // A LaTeX row ends in \\ (its line break).
            return format.separator == "&" ? cells.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \\")) } : cells
        }
        let column = cells(text, upTo: offset).count - 1
        let row = cells(text, upTo: rowEnd).dropLast().joined(separator: " · ")
        guard let header = headerLine(lines, line: line, format: format.separator) else { return nil }
        let headers = cells(lines[header])
        let name = column < headers.count ? headers[column] : "\(column + 1)"
        let title = self.title(lines, above: header, format: format.separator).map { "table \"\($0)\", " } ?? ""
        return "\(title)row \(row), column \(name)"
    }

    /// Cells split at unescaped separators, trimmed.
    private static func split(_ line: Substring, at separator: Character) -> [String] {
        var cells = [""], previous: Character = " "
        for character in line {
            if character == separator && previous != "\\" { cells.append("") } else { cells[cells.count - 1].append(character) }
            previous = character
        }
        return cells.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private static func headerLine(_ lines: [Substring], line: Int, format: Character) -> Int? {
        switch format {
        case "|": return (0...line).reversed().prefix { lines[$0].hasPrefix("|") }.last
        case ",": return 0
        default: return (0..<line).last { $0 + 1 < lines.count && lines[$0 + 1] == "\\midrule" }
        }
    }

    /// Markdown: the heading above the table, with a short caption line ending in ':' below it;
    /// LaTeX: the metric its comment line names.
    private static func title(_ lines: [Substring], above header: Int, format: Character) -> String? {
        switch format {
        case "|":
            var caption: Substring?, first = true
            for k in stride(from: header - 1, through: 0, by: -1) where !lines[k].isEmpty {
                if lines[k].hasPrefix("#") {
                    let heading = lines[k].drop { $0 == "#" || $0 == " " }
                    return caption.map { "\(heading), \($0)" } ?? String(heading)
                }
                if first && lines[k].hasSuffix(":") && lines[k].count <= 40 { caption = lines[k].dropLast() }
                first = false
            }
            return nil
        case "&":
            guard let comment = (0..<header).last(where: { lines[$0].hasPrefix("% ") && lines[$0].contains(":") }) else { return nil }
            return String(lines[comment].dropFirst(2).prefix { $0 != ":" })
        default:
            return nil
        }
    }
}
