import MedadSupport

/// Input checks shared by every metric: scores must be finite, and the error names the case.
public enum ScoreChecks {
    /// Throws for the first NaN or infinite score, naming `caseNames[i]` (or the index).
    public static func requireFinite(_ scores: [Double], caseNames: [String]? = nil) throws {
        for (i, s) in scores.enumerated() where !s.isFinite {
            throw MedadError("\(caseName(i, caseNames)): score is \(s); scores must be finite numbers")
        }
    }

    static func caseName(_ index: Int, _ names: [String]?) -> String {
        if let names, index < names.count { return names[index] }
        return "case \(index)"
    }
}
