import Foundation
import MedadConfig
import MedadSupport
import MedadTensor

/// The safetensors checkpoint format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header mapping each tensor name to its dtype, shape and
/// data_offsets (plus an optional "__metadata__" string map), then the little-endian tensor data.
///
/// medad writes F32 only, laid out as Python's `safetensors` does (tensors sorted by name, compact JSON,
/// header padded with spaces to a multiple of 8), so files match byte for byte, except that medad
/// sorts metadata keys where Python leaves them in hash-map order. It reads F32 and
/// converts F16, BF16 and F64 to Float32; other dtypes are rejected naming the tensor.
public enum SafeTensors {
    /// Tensors and metadata of one file.
    public struct Content {
        public var tensors: [String: Tensor]
        public var metadata: [String: String]

        public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// The largest header accepted, as in the reference implementation: guards against a corrupt
    /// length asking for an unbounded allocation.
    static let maximumHeaderBytes = 100_000_000

    /// The file's bytes. Throws when a name is the reserved "__metadata__".
    public static func encode(_ content: Content) throws -> Data {
        if content.tensors["__metadata__"] != nil {
            throw MedadError("safetensors: \"__metadata__\" is reserved and cannot name a tensor")
        }
        let names = content.tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var entries: [String] = []
        if !content.metadata.isEmpty {
            let pairs = content.metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { jsonString($0) + ":" + jsonString(content.metadata[$0]!) }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            let tensor = content.tensors[name]!
            let bytes = tensor.count * MemoryLayout<Float>.size
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var data = Data(count: 8 + header.count + offset)
        data.withUnsafeMutableBytes { file in
            file.storeBytes(of: UInt64(header.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            file.baseAddress!.advanced(by: 8).copyMemory(from: header, byteCount: header.count)
            // One store per value into the preallocated file: appending to Data value by value was a
            // quarter of a demo cell's time, with a checkpoint every 25 steps.
            var position = 8 + header.count
            for name in names {
                content.tensors[name]!.withBuffer { values in
                    for (i, value) in values.enumerated() {
                        file.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position + 4 * i, as: UInt32.self)
                    }
                    position += 4 * values.count
                }
            }
        }
        return data
    }

    /// Writes atomically: a crash leaves the old file or the new one, never a torn checkpoint.
    public static func write(_ content: Content, to url: URL) throws {
        try AtomicFile.write(try encode(content), to: url)
    }

    public static func read(_ url: URL) throws -> Content {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw MedadError("\(url.path): cannot read (\(error.localizedDescription))")
        }
        return try decode(data, source: url.path)
    }

    /// Parses and validates a whole file; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> Content {
        func fail(_ problem: String) -> MedadError { MedadError("\(source): not a valid safetensors file: \(problem)") }
        guard data.count >= 8 else { throw fail("\(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maximumHeaderBytes) else { throw fail("header length \(headerLength) exceeds the 100 MB limit") }
        guard 8 + Int(headerLength) <= data.count else {
            throw fail("header length \(headerLength) runs past the end of the \(data.count)-byte file (truncated?)")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = data.count - dataStart
        let headerBytes = data.subdata(in: data.startIndex + 8..<data.startIndex + dataStart)
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes), let header = json as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                metadata = map
                continue
            }
            entries.append(try Entry(name: name, json: value, dataSize: dataSize, fail: fail))
        }
        entries.sort { $0.begin < $1.begin || ($0.begin == $1.begin && $0.end < $1.end) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.begin < previous.end {
            throw fail("the data of \"\(previous.name)\" and \"\(next.name)\" overlap")
        }
        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            for entry in entries { tensors[entry.name] = entry.tensor(from: base + entry.begin) }
        }
        return Content(tensors: tensors, metadata: metadata)
    }

    /// One header entry, validated against the data section.
    private struct Entry {
        enum DType: String {
            case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"

            var size: Int {
                switch self {
                case .f32: 4
                case .f16, .bf16: 2
                case .f64: 8
                }
            }
        }
        let name: String
        let dtype: DType
        let shape: [Int]
        let begin: Int
        let end: Int

        init(name: String, json: Any, dataSize: Int, fail: (String) -> MedadError) throws {
            self.name = name
            guard let fields = json as? [String: Any], let dtypeName = fields["dtype"] as? String,
                  let shapeValues = fields["shape"] as? [Any], let offsetValues = fields["data_offsets"] as? [Any] else {
                throw fail("tensor \"\(name)\" needs dtype, shape and data_offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail("tensor \"\(name)\" has dtype \(dtypeName); medad reads F32, F16, BF16 and F64")
            }
            let shape = shapeValues.compactMap(Entry.wholeNumber)
            let offsets = offsetValues.compactMap(Entry.wholeNumber)
            guard shape.count == shapeValues.count else { throw fail("tensor \"\(name)\" has a shape that is not non-negative integers") }
            guard offsets.count == 2, offsetValues.count == 2, offsets[0] <= offsets[1] else {
                throw fail("tensor \"\(name)\" needs data_offsets [begin, end] with begin ≤ end")
            }
            guard offsets[1] <= dataSize else {
                throw fail("tensor \"\(name)\" ends at byte \(offsets[1]) of a \(dataSize)-byte data section (truncated?)")
            }
            var bytes = dtype.size
            for extent in shape {
                let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
                guard !overflow else { throw fail("tensor \"\(name)\" has an impossibly large shape \(shape)") }
                bytes = product
            }
            guard bytes == offsets[1] - offsets[0] else {
                throw fail("tensor \"\(name)\" of shape \(shape) and dtype \(dtypeName) needs \(bytes) bytes, its offsets span \(offsets[1] - offsets[0])")
            }
            self.dtype = dtype
            self.shape = shape
            begin = offsets[0]
            end = offsets[1]
        }

        private static func wholeNumber(_ value: Any) -> Int? {
            guard let number = value as? NSNumber else { return nil }
            let real = number.doubleValue
            guard real >= 0, real == real.rounded(), real < 0x1p53 else { return nil }
            return Int(real)
        }

        func tensor(from bytes: UnsafeRawPointer) -> Tensor {
            let tensor = Tensor(shape: shape, repeating: 0)
            tensor.withMutableBuffer { out in
                for i in 0..<out.count {
                    switch dtype {
                    case .f32: out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case .f64: out[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                    case .bf16: out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    case .f16: out[i] = halfToFloat(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                }
            }
            return tensor
        }
    }

    /// JSON string literal; escapes as serde_json does (quotes, backslashes, control characters),
    /// everything else raw UTF-8.
    private static func jsonString(_ text: String) -> String {
        JSONValue.string(text).canonical
    }
}

/// IEEE half to single, subnormals, infinities and NaN included.
func halfToFloat(_ half: UInt16) -> Float {
    let sign = UInt32(half & 0x8000) << 16
    let exponent = Int(half >> 10) & 0x1F
    let mantissa = UInt32(half & 0x3FF)
    switch exponent {
    case 0: return Float(bitPattern: sign) + (sign == 0 ? 1 : -1) * Float(mantissa) * 0x1p-24
    case 31: return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default: return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}
