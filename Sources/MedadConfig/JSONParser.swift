import Foundation
import MedadSupport

/// A strict JSON reader for configs: errors give the file, line and column, and a key written twice
/// in one object is an error rather than a silent overwrite.
public enum JSONParser {
    public static func parse(_ text: String, source: String) throws -> JSONValue {
        var reader = Reader(bytes: Array(text.utf8), source: source)
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    /// Configs and the records medad writes are kilobytes; the bound keeps a wrong path (a volume,
    /// /dev/zero) from being read into memory whole.
    public static let maxFileBytes = 16 << 20

    public static func parse(file url: URL) throws -> JSONValue {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        } catch {
            throw MedadError("\(url.path): cannot read the file (\(error.localizedDescription))")
        }
        guard data.count <= maxFileBytes else {
            throw MedadError("\(url.path): file is larger than \(maxFileBytes >> 20) MiB, the limit for a JSON config or record")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw MedadError("\(url.path): cannot read the file (not UTF-8 text)")
        }
        return try parse(text, source: url.path)
    }
}

private struct Reader {
    let bytes: [UInt8]
    let source: String
    var position = 0

    var atEnd: Bool { position >= bytes.count }

    func error(_ what: String) -> MedadError {
        var line = 1, column = 1
        for byte in bytes[..<min(position, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return MedadError("\(source):\(line):\(column): \(what)")
    }

    mutating func skipSpace() {
        while !atEnd, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 256 else { throw error("JSON nested too deeply") }
        guard !atEnd else { throw error("unexpected end of file, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character '\(Character(UnicodeScalar(bytes[position])))', expected a value")
        }
    }

    mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard position + w.count <= bytes.count, Array(bytes[position..<position + w.count]) == w else {
            throw error("invalid literal, expected \(word)")
        }
        position += w.count
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipSpace()
        guard !atEnd, bytes[position] == byte else { throw error("expected \(what)") }
        position += 1
    }

    mutating func object(depth: Int) throws -> JSONValue {
        position += 1
        var object = JSONObject()
        skipSpace()
        if !atEnd, bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
        while true {
            skipSpace()
            guard !atEnd, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let keyStart = position
            let key = try string()
            if object[key] != nil {
                position = keyStart
                throw error("key \"\(ConfigText.clipped(key))\" appears twice in the same object")
            }
            try expect(UInt8(ascii: ":"), "':' after the key \"\(ConfigText.clipped(key))\"")
            skipSpace()
            object[key] = try value(depth: depth + 1)
            skipSpace()
            guard !atEnd else { throw error("unexpected end of file inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
            throw error("expected ',' or '}' in an object")
        }
    }

    mutating func array(depth: Int) throws -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        skipSpace()
        if !atEnd, bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard !atEnd else { throw error("unexpected end of file inside a list") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
            throw error("expected ',' or ']' in a list")
        }
    }

    mutating func string() throws -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() { if !raw.isEmpty { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() } }
        while true {
            guard !atEnd else { throw error("unterminated string") }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard !atEnd else { throw error("unterminated string") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                default: throw error("invalid escape in a string")
                }
            case 0..<0x20:
                throw error("control character inside a string")
            default:
                raw.append(byte)
            }
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16) else {
            throw error("invalid \\u escape")
        }
        position += 4
        return v
    }

    mutating func unicodeEscape() throws -> Unicode.Scalar {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) {
            guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw error("unpaired surrogate in a \\u escape")
            }
            position += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a \\u escape") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
        return scalar
    }

    mutating func number() throws -> Double {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            let s = position
            while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - s
        }
        let integerStart = position
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("invalid number") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            position = start
            throw error("invalid number (leading zero)")
        }
        if !atEnd, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("invalid number (no digits after '.')") }
        }
        if !atEnd, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if !atEnd, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("invalid number (empty exponent)") }
        }
        guard let n = Double(String(decoding: bytes[start..<position], as: UTF8.self)), n.isFinite else {
            position = start
            throw error("number out of range")
        }
        return n
    }
}
