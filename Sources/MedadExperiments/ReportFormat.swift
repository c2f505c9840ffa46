import Foundation

/// Fixed number formats of every report file, so regenerating from the same results gives the same bytes.
enum ReportFormat {
    static func ratio(_ value: Double) -> String { String(format: "%g", value) }
    static func metric(_ value: Double) -> String { String(format: "%.3f", value) }
    static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }
    static func csv(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
    /// File-name safe: letters, digits, '-', '.'.
    static func slug(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
