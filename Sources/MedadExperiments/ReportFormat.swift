import Foundation

/// Fixed number formats of every report file, so regenerating from the same results gives the same bytes.
/// Values from the runs come out tagged (`ReportField`) for the check; config values (ratios) plain.
enum ReportFormat {
    static func ratio(_ value: Double) -> String { String(format: "%g", value) }
    static func metric(_ value: Double) -> String { ReportField.tag(.measured, String(format: "%.3f", value)) }
    /// A ratio between two measured values, such as a backbone against the reference backbone.
    static func times(_ value: Double) -> String { ReportField.tag(.measured, String(format: "%.2f", value)) + "×" }
    static func seconds(_ value: Double) -> String { ReportField.tag(.timing, String(format: "%.1f", value)) }
    static func rank(_ value: Double) -> String { ReportField.tag(.rank, String(format: "%.2f", value)) }
    static func flag(_ value: Bool) -> String { ReportField.tag(.rank, value ? "1" : "0") }
    static func csv(_ value: Double?) -> String { value.map { ReportField.tag(.measured, String(format: "%.4f", $0)) } ?? "" }
    /// File-name safe: letters, digits, '-', '.'.
    static func slug(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
