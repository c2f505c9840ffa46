import MedadSupport

/// Reads one JSON object of a config, key by key, with the JSON path in every error.
/// Each config section reads the keys it knows and then calls `finish()`, which rejects any key
/// nobody read, naming the allowed keys and the closest one.
public final class ConfigReader {
    public let path: String
    public let source: String
    public let object: JSONObject
    private var read: Set<String> = []
    private var known: [String] = []
    /// Every typed read in order: the key, the value the caller got (its default when absent) and
    /// what the key expects. A section's resolved document and its parameter listing come from this,
    /// so neither repeats the reading code's keys and defaults.
    public private(set) var resolved: [(key: String, value: JSONValue, expected: String)] = []

    public init(_ value: JSONValue, path: String = "", source: String) throws {
        guard case .object(let object) = value else {
            throw MedadError("\(source): \(path.isEmpty ? "the document" : path): expected an object, got \(value.typeName)")
        }
        self.path = path
        self.source = source
        self.object = object
    }

    func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func fail(_ key: String, _ what: String) -> MedadError {
        MedadError("\(source): \(keyPath(ConfigText.clipped(key))): \(what)")
    }

    public func has(_ key: String) -> Bool {
        known.append(key)
        return object[key] != nil
    }

    private func lookup(_ key: String) -> JSONValue? {
        known.append(key)
        read.insert(key)
        if case .null? = object[key] { return nil }
        return object[key]
    }

    private func missing<T>(_ key: String, _ fallback: T?, _ expected: String) throws -> T {
        guard let fallback else { throw fail(key, "missing; expected \(expected)") }
        return fallback
    }

    private func recorded<T>(_ key: String, _ value: T, _ expected: String, as json: (T) -> JSONValue) -> T {
        resolved.append((key, json(value), expected))
        return value
    }

    public func string(_ key: String, default fallback: String? = nil, allowed: [String]? = nil) throws -> String {
        let expected = allowed.map { "one of \($0.joined(separator: ", "))" } ?? "a string"
        return recorded(key, try readString(key, fallback, allowed, expected), expected) { .string($0) }
    }

    private func readString(_ key: String, _ fallback: String?, _ allowed: [String]?, _ expected: String) throws -> String {
        guard let value = lookup(key) else { return try missing(key, fallback, expected) }
        guard case .string(let s) = value else { throw fail(key, "expected \(expected), got \(value.typeName)") }
        if let allowed, !allowed.contains(s) {
            throw fail(key, "\"\(ConfigText.clipped(s))\" is not \(expected)\(Suggestion.phrase(for: s, among: allowed))")
        }
        return s
    }

    public func double(_ key: String, default fallback: Double? = nil, range: ClosedRange<Double>? = nil) throws -> Double {
        let expected = range.map { "a number in [\(JSONValue.format($0.lowerBound)), \(JSONValue.format($0.upperBound))]" } ?? "a number"
        return recorded(key, try readDouble(key, fallback, range, expected), expected) { .number($0) }
    }

    private func readDouble(_ key: String, _ fallback: Double?, _ range: ClosedRange<Double>?, _ expected: String) throws -> Double {
        guard let value = lookup(key) else { return try missing(key, fallback, expected) }
        guard case .number(let n) = value else { throw fail(key, "expected \(expected), got \(value.typeName)") }
        if let range, !range.contains(n) { throw fail(key, "\(JSONValue.format(n)) is out of range; expected \(expected)") }
        return n
    }

    public func int(_ key: String, default fallback: Int? = nil, range: ClosedRange<Int>? = nil) throws -> Int {
        let expected = range.map { "a whole number in [\($0.lowerBound), \($0.upperBound)]" } ?? "a whole number"
        return recorded(key, try readInt(key, fallback, range, expected), expected) { .number(Double($0)) }
    }

    private func readInt(_ key: String, _ fallback: Int?, _ range: ClosedRange<Int>?, _ expected: String) throws -> Int {
        guard let value = lookup(key) else { return try missing(key, fallback, expected) }
        guard case .number(let n) = value else { throw fail(key, "expected \(expected), got \(value.typeName)") }
        guard n == n.rounded(), abs(n) < 9e15 else { throw fail(key, "expected \(expected), got \(JSONValue.format(n))") }
        if let range, !range.contains(Int(n)) { throw fail(key, "\(Int(n)) is out of range; expected \(expected)") }
        return Int(n)
    }

    public func bool(_ key: String, default fallback: Bool? = nil) throws -> Bool {
        let expected = "true or false"
        guard let value = lookup(key) else { return recorded(key, try missing(key, fallback, expected), expected) { .bool($0) } }
        guard case .bool(let b) = value else { throw fail(key, "expected \(expected), got \(value.typeName)") }
        return recorded(key, b, expected) { .bool($0) }
    }

    public func stringList(_ key: String, default fallback: [String]? = nil, allowed: [String]? = nil) throws -> [String] {
        let expected = allowed.map { "a list of \($0.joined(separator: ", "))" } ?? "a list of strings"
        return recorded(key, try readStringList(key, fallback, allowed), expected) { .array($0.map { .string($0) }) }
    }

    private func readStringList(_ key: String, _ fallback: [String]?, _ allowed: [String]?) throws -> [String] {
        guard let value = lookup(key) else { return try missing(key, fallback, "a list of strings") }
        guard case .array(let items) = value else { throw fail(key, "expected a list of strings, got \(value.typeName)") }
        return try items.enumerated().map { index, item in
            guard case .string(let s) = item else { throw fail("\(key)[\(index)]", "expected a string, got \(item.typeName)") }
            if let allowed, !allowed.contains(s) {
                throw fail("\(key)[\(index)]", "\"\(ConfigText.clipped(s))\" is not one of \(allowed.joined(separator: ", "))\(Suggestion.phrase(for: s, among: allowed))")
            }
            return s
        }
    }

    public func doubleList(_ key: String, default fallback: [Double]? = nil) throws -> [Double] {
        let expected = "a list of numbers"
        guard let value = lookup(key) else { return recorded(key, try missing(key, fallback, expected), expected) { .array($0.map { .number($0) }) } }
        guard case .array(let items) = value else { throw fail(key, "expected \(expected), got \(value.typeName)") }
        let numbers = try items.enumerated().map { index, item in
            guard case .number(let n) = item else { throw fail("\(key)[\(index)]", "expected a number, got \(item.typeName)") }
            return n
        }
        return recorded(key, numbers, expected) { .array($0.map { .number($0) }) }
    }

    /// A nested section; an absent key reads as an empty object so its defaults apply.
    public func section(_ key: String) throws -> ConfigReader {
        try ConfigReader(lookup(key) ?? .object(JSONObject()), path: keyPath(key), source: source)
    }

    /// The raw value of a key the caller interprets itself.
    public func raw(_ key: String) -> JSONValue? { lookup(key) }

    /// Rejects keys that no read asked for.
    public func finish() throws {
        for key in object.keys where !read.contains(key) {
            let allowed = Array(Set(known)).sorted()
            throw fail(key, "unknown key\(Suggestion.phrase(for: key, among: allowed)); allowed keys: \(allowed.joined(separator: ", "))")
        }
    }
}
