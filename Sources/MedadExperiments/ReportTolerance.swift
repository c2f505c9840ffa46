import Foundation
import MedadSupport

/// How far a value from the runs may be from the notebook's and still pass `medad report --check`:
/// |notebook − results| ≤ absolute + relative × |results| (numpy's `isclose`). Zero, the default, is
/// exact: same machine and thread count reproduce every digit, and only there is that promised.
public struct ReportTolerance: Equatable, Sendable, CustomStringConvertible {
    public var absolute: Double
    public var relative: Double

    public static let exact = ReportTolerance()

    public init(absolute: Double = 0, relative: Double = 0) {
        self.absolute = absolute
        self.relative = relative
    }

    /// `0.02` (absolute), `5%` (relative) or `0.02+5%` (both).
    public init(parsing text: String) throws {
        self.init()
        let parts = text.split(separator: "+", omittingEmptySubsequences: false)
        let kinds = Set(parts.map { $0.hasSuffix("%") })
        for part in parts {
            let isRelative = part.hasSuffix("%")
            guard kinds.count == parts.count, let value = Double(isRelative ? part.dropLast() : part), value >= 0, value.isFinite else {
                throw MedadError("--tolerance \(text): expected an absolute difference (0.02), a percentage (5%) or both (0.02+5%)")
            }
            if isRelative { relative = value / 100 } else { absolute = value }
        }
    }

    public var isExact: Bool { absolute == 0 && relative == 0 }

    /// Whether a notebook value may stand for a value from the results; NaN only for NaN.
    func allows(_ notebook: Double, _ results: Double) -> Bool {
        if notebook.isNaN || results.isNaN { return notebook.isNaN && results.isNaN }
        if notebook == results { return true }
        // The slack absorbs binary rounding of printed decimals (0.657 − 0.637 is not exactly 0.02).
        return abs(notebook - results) <= absolute + relative * abs(results) + 1e-9
    }

    public var description: String {
        switch (absolute, relative) {
        case (_, 0): return String(format: "%g", absolute)
        case (0, _): return String(format: "%g%%", relative * 100)
        default: return String(format: "%g+%g%%", absolute, relative * 100)
        }
    }
}
