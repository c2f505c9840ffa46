import FuzzDriver
import FuzzSupport
import Foundation
import MedadNN
import MedadSupport

/// A checkpoint file's bytes, decoded as `TrainingCheckpoint` and `zoo adopt` do; what decodes must
/// encode and decode back to the same tensors (F32 round trip).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let content = try? SafeTensors.decode(Data(bytes: data, count: size), source: "fuzz.safetensors"),
          let encoded = try? SafeTensors.encode(content) else { return 0 }
    guard let back = try? SafeTensors.decode(encoded, source: "encoded") else {
        preconditionFailure("a decoded checkpoint does not decode after encoding")
    }
    precondition(back.metadata == content.metadata && Set(back.tensors.keys) == Set(content.tensors.keys), "round trip changed the file")
    for (name, tensor) in content.tensors {
        let other = back.tensors[name]!
        precondition(other.shape == tensor.shape && zip(other.values, tensor.values).allSatisfy { $0.bitPattern == $1.bitPattern },
                     "round trip changed tensor \(name)")
    }
    return 0
}

/// The executable's entry point (see fuzz_driver.h).
@_cdecl("fuzz_safetensors_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { fuzz_driver_main(argc, argv) }
