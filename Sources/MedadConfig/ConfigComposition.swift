import Foundation
import MedadSupport

/// How config documents are put together before they are read: `extends` chains and `--set` overrides.
public enum ConfigComposition {
    /// Loads a config file, resolving `"extends": "base.json"` (relative to the file) recursively;
    /// the file's own keys win, objects merge key by key, anything else is replaced.
    public static func load(_ url: URL, seen: [URL] = []) throws -> JSONValue {
        let standard = url.standardizedFileURL
        guard !seen.contains(standard) else {
            throw MedadError("\(url.path): extends: cycle through \(seen.map(\.lastPathComponent).joined(separator: " -> "))")
        }
        guard FileManager.default.fileExists(atPath: url.path) else { throw MedadError("\(url.path): no such config file") }
        let document = try JSONParser.parse(file: url)
        guard case .object(var object) = document else {
            throw MedadError("\(url.path): expected a JSON object at the top level, got \(document.typeName)")
        }
        guard let base = object["extends"] else { return document }
        guard case .string(let basePath) = base else {
            throw MedadError("\(url.path): extends: expected a file path string, got \(base.typeName)")
        }
        object["extends"] = nil
        let baseURL = URL(fileURLWithPath: basePath, relativeTo: url.deletingLastPathComponent())
        return merge(try load(baseURL, seen: seen + [standard]), .object(object))
    }

    /// Deep merge: `override` wins; objects merge recursively.
    public static func merge(_ base: JSONValue, _ override: JSONValue) -> JSONValue {
        guard case .object(var merged) = base, case .object(let top) = override else { return override }
        for (key, value) in top.pairs {
            merged[key] = merged[key].map { merge($0, value) } ?? value
        }
        return .object(merged)
    }

    /// Bounds of a key path (`--set`, sweep axes): far above any config's (a few keys of a few letters), they stop a
    /// runaway argument with a clear error before it is split and walked.
    public static let maxPathLength = 1024
    public static let maxPathDepth = 32

    /// Applies `path=value` overrides. The value is read as JSON when it parses (numbers, booleans,
    /// lists) and as a plain string otherwise, so `--set backbone=vit-s` needs no quotes.
    public static func apply(_ assignments: [String], to document: JSONValue) throws -> JSONValue {
        var result = document
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw MedadError("--set \(ConfigText.clipped(assignment)): expected path=value, e.g. train.steps=30")
            }
            let path = String(assignment[..<equals])
            let keys = try self.keys(of: path, origin: "--set ")
            let text = String(assignment[assignment.index(after: equals)...])
            let value = (try? JSONParser.parse(text, source: "--set")) ?? .string(text)
            result = try set(value, at: keys, in: result, fullPath: path)
        }
        return result
    }

    /// The keys of a dotted config path within the bounds; errors start with `origin` and the path.
    public static func keys(of path: String, origin: String) throws -> [String] {
        guard path.count <= maxPathLength else {
            throw MedadError("\(origin)\(ConfigText.clipped(path)): the key path is longer than \(maxPathLength) characters")
        }
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard keys.count <= maxPathDepth else {
            throw MedadError("\(origin)\(ConfigText.clipped(path)): the key path has \(keys.count) keys, more than \(maxPathDepth)")
        }
        return keys
    }

    /// Sets a value at a dotted path, creating objects on the way.
    public static func set(_ value: JSONValue, at keys: [String], in document: JSONValue, fullPath: String) throws -> JSONValue {
        try set(value, at: keys[...], in: document, fullPath: fullPath)
    }

    // A slice, so each level passes the rest of the path on without copying it.
    private static func set(_ value: JSONValue, at keys: ArraySlice<String>, in document: JSONValue, fullPath: String) throws -> JSONValue {
        guard let first = keys.first, !first.isEmpty, case .object(var object) = document else {
            throw MedadError("--set \(ConfigText.clipped(fullPath)): expected a dotted path of non-empty keys, e.g. train.steps")
        }
        guard keys.count > 1 else {
            object[first] = value
            return .object(object)
        }
        let inner = object[first] ?? .object(JSONObject())
        guard case .object = inner else {
            throw MedadError("--set \(ConfigText.clipped(fullPath)): \(ConfigText.clipped(first)) is \(inner.typeName), not an object")
        }
        object[first] = try set(value, at: keys.dropFirst(), in: inner, fullPath: fullPath)
        return .object(object)
    }

    /// The value at a dotted path, if any.
    public static func value(at path: String, in document: JSONValue) -> JSONValue? {
        var current = document
        for key in path.split(separator: ".") {
            guard case .object(let object) = current, let next = object[String(key)] else { return nil }
            current = next
        }
        return current
    }
}
