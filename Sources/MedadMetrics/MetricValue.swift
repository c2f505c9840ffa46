import Foundation

/// A metric's result: a number, or undefined with the reason (one class only, no lesions, ...).
/// Undefined is never reported as 0 or 0.5, which would look like a (bad) measurement.
public enum MetricValue: Equatable, Sendable, CustomStringConvertible {
    case value(Double)
    case undefined(String)

    /// The number, or nil when undefined.
    public var number: Double? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The number, or NSNull for JSONSerialization.
    public var jsonValue: Any { number.map { $0 as Any } ?? NSNull() }

    public var undefinedReason: String? {
        if case .undefined(let reason) = self { return reason }
        return nil
    }

    public var description: String {
        switch self {
        case .value(let v): return "\(v)"
        case .undefined(let reason): return "undefined (\(reason))"
        }
    }
}

/// A two-sided interval, or undefined with the reason.
public enum ConfidenceInterval: Equatable, Sendable {
    case interval(low: Double, high: Double)
    case undefined(String)

    public var bounds: (low: Double, high: Double)? {
        if case .interval(let low, let high) = self { return (low, high) }
        return nil
    }
}
