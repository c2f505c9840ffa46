import Foundation
import MedadNN
import MedadSupport
import MedadTensor
import Testing

/// Written by Python's safetensors 0.8 (`safetensors.numpy.save`) from
/// {"w": [[1,2,3],[4,5,6]], "b": [0.5,-1], "a.s": 3.0 (rank 0)}, all float32, metadata {"step": "7", "format": "pt"}.
private let pythonF32 = Data(base64Encoded: "0AAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCIsInN0ZXAiOiI3In0sImEucyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbMCw0XX0sImIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls0LDEyXX0sInciOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsM10sImRhdGFfb2Zmc2V0cyI6WzEyLDM2XX19AABAQAAAAD8AAIC/AACAPwAAAEAAAEBAAACAQAAAoEAAAMBA")!

/// `safetensors.torch.save` of h = float16 [1.5, -0.0001, 65504, -2], d = float64 [[0.1], [1e30]],
/// bf = bfloat16 [1, -3.140625].
private let pythonOtherDtypes = Data(base64Encoded: "sAAAAAAAAAB7ImQiOnsiZHR5cGUiOiJGNjQiLCJzaGFwZSI6WzIsMV0sImRhdGFfb2Zmc2V0cyI6WzAsMTZdfSwiYmYiOnsiZHR5cGUiOiJCRjE2Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMTYsMjBdfSwiaCI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbNF0sImRhdGFfb2Zmc2V0cyI6WzIwLDI4XX19ICAgICAgIJqZmZmZmbk/6oygOVk+KUaAP0nAAD6Ohv97AMA=")!

/// `safetensors.numpy.save` of i = int32 [1, 2].
private let pythonInt32 = Data(base64Encoded: "OAAAAAAAAAB7ImkiOnsiZHR5cGUiOiJJMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlswLDhdfX0gIAEAAAACAAAA")!

private let pythonContent = SafeTensors.Content(
    tensors: ["w": Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), "b": Tensor(shape: [2], values: [0.5, -1]), "a.s": .scalar(3)],
    metadata: ["step": "7", "format": "pt"])

/// A file with the given header text (padded as medad pads) and data bytes.
private func file(header: String, data: [UInt8]) -> Data {
    var bytes = Array(header.utf8)
    bytes += Array(repeating: UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
    var out = Data()
    withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { out.append(contentsOf: $0) }
    return out + Data(bytes) + Data(data)
}

private func problem(_ data: Data) -> String {
    do {
        _ = try SafeTensors.decode(data, source: "x.safetensors")
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Suite struct SafeTensorsTests {
    @Test func readsPythonWrittenFileExactly() throws {
        let content = try SafeTensors.decode(pythonF32, source: "python")
        #expect(content.metadata == ["step": "7", "format": "pt"])
        #expect(Set(content.tensors.keys) == ["w", "b", "a.s"])
        #expect(content.tensors["w"]?.shape == [2, 3] && content.tensors["w"]?.values == [1, 2, 3, 4, 5, 6])
        #expect(content.tensors["b"]?.shape == [2] && content.tensors["b"]?.values == [0.5, -1])
        #expect(content.tensors["a.s"]?.shape == [] && content.tensors["a.s"]?.values == [3])
    }

    @Test func writesTheSameBytesAsPython() throws {
        #expect(try SafeTensors.encode(pythonContent) == pythonF32)
    }

    @Test func writesPaddedHeaderWithoutMetadata() throws {
        let data = try SafeTensors.encode(SafeTensors.Content(tensors: ["x": Tensor(shape: [1], values: [1])]))
        // Python: b'{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}  ' (56 bytes), then 1.0f.
        #expect(data == file(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0x80, 0x3F]))
        #expect(data.prefix(8) == Data([56, 0, 0, 0, 0, 0, 0, 0]))
    }

    @Test func convertsHalfBFloatAndDoubleToFloat() throws {
        let tensors = try SafeTensors.decode(pythonOtherDtypes, source: "python").tensors
        #expect(tensors["h"]?.values == [1.5, -0.00010001659393310547, 65504, -2])
        #expect(tensors["d"]?.shape == [2, 1] && tensors["d"]?.values == [0.1, 1e30])
        #expect(tensors["bf"]?.values == [1, -3.140625])
    }

    @Test func rejectsOtherDtypesNamingTheTensor() {
        #expect(problem(pythonInt32) == "x.safetensors: not a valid safetensors file: tensor \"i\" has dtype I32; medad reads F32, F16, BF16 and F64")
    }

    @Test func rejectsTruncatedAndCorruptFiles() {
        let prefix = "x.safetensors: not a valid safetensors file: "
        #expect(problem(Data([1, 2, 3])) == prefix + "3 bytes, shorter than the 8-byte header length")
        #expect(problem(pythonF32.prefix(100)) == prefix + "header length 208 runs past the end of the 100-byte file (truncated?)")
        #expect(problem(pythonF32.prefix(pythonF32.count - 4)) == prefix + "tensor \"w\" ends at byte 36 of a 32-byte data section (truncated?)")
        #expect(problem(Data([0, 0, 0, 0, 0, 0, 0, 0x10]) + Data(count: 8)).hasSuffix("exceeds the 100 MB limit"))
        #expect(problem(file(header: "[1, 2]", data: [])) == prefix + "the header is not a JSON object")
        #expect(problem(file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                             data: Array(repeating: 0, count: 8))) == prefix + "the data of \"a\" and \"b\" overlap")
        #expect(problem(file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)))
                == prefix + "tensor \"a\" of shape [3] and dtype F32 needs 12 bytes, its offsets span 8")
        #expect(problem(file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: []))
                == prefix + "tensor \"a\" has a shape that is not non-negative integers")
        #expect(problem(file(header: #"{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,0]}}"#, data: []))
                .hasSuffix("has an impossibly large shape [1099511627776, 1099511627776]"))
        #expect(problem(file(header: #"{"a":{"dtype":"F32","shape":[1]}}"#, data: [])) == prefix + "tensor \"a\" needs dtype, shape and data_offsets")
    }

    @Test func corruptingAnyByteNeverCrashes() {
        var rng = SeededRandom(seed: 11)
        for index in 0..<pythonF32.count {
            var corrupted = pythonF32
            corrupted[index] ^= UInt8(1 + rng.nextInt(255))
            do {
                _ = try SafeTensors.decode(corrupted, source: "fuzz")
            } catch {
                #expect(error is MedadError)
            }
        }
    }

    @Test func rejectsTheReservedName() {
        #expect(throws: MedadError.self) { try SafeTensors.encode(SafeTensors.Content(tensors: ["__metadata__": .scalar(1)])) }
    }

    @Test func escapesNamesLikeSerdeJSON() throws {
        let content = SafeTensors.Content(tensors: ["a\"b\\c\nd é": .scalar(1)], metadata: ["k": "v\t"])
        let data = try SafeTensors.encode(content)
        let back = try SafeTensors.decode(data, source: "escaped")
        #expect(back.tensors.keys.first == "a\"b\\c\nd é" && back.metadata == ["k": "v\t"])
        #expect(String(decoding: data.dropFirst(8), as: UTF8.self).hasPrefix(#"{"__metadata__":{"k":"v\t"},"a\"b\\c\nd é""#))
    }

    @Test func fileRoundTripThroughAModule() throws {
        final class Pair: Module {
            @Key("weight") var weight = Tensor(shape: [2, 2], values: [1, -2, 3.5, 1e-30])
            @Key("bias") var bias = Tensor(shape: [2], values: [0, .infinity])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("medad-nn-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try Pair().save(to: url, metadata: ["epoch": "3"])
        let restored = Pair()
        restored.weight.withMutableBuffer { $0.update(repeating: 0) }
        #expect(try restored.load(from: url) == ["epoch": "3"])
        #expect(restored.weight.values == [1, -2, 3.5, 1e-30] && restored.bias.values == [0, .infinity])

        try SafeTensors.write(SafeTensors.Content(tensors: ["other": .scalar(1)]), to: url)
        #expect(throws: MedadError("\(url.path): cannot load parameters: missing 2: weight, bias; unexpected 1: other")) {
            try restored.load(from: url)
        }
    }
}
