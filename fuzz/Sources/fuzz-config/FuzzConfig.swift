import FuzzDriver
import FuzzSupport
import Foundation
import MedadConfig
import MedadMethods
import MedadSupport

/// The path of `medad train --config FILE --set …`: the input's first NUL-separated part is the JSON
/// file, the others are `--set` assignments; the first cell of its sweep (none: the document itself)
/// with the overrides applied is validated as a run config.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzInput.parts(data, size).map { String(decoding: $0, as: UTF8.self) }
    guard let document = try? JSONParser.parse(parts[0], source: "fuzz.json") else { return 0 }
    // Whatever parses must print and parse back to the same value (records are written this way).
    precondition((try? JSONParser.parse(document.pretty(), source: "pretty")) == document, "pretty-printed JSON does not parse back")
    guard let cell = try? SweepPlan(experiment: document, source: "fuzz.json").firstCell(overrides: Array(parts.dropFirst())) else { return 0 }
    _ = try? Runs.validate(config: cell.config, source: "fuzz.json")
    return 0
}

/// The executable's entry point (see fuzz_driver.h).
@_cdecl("fuzz_config_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { fuzz_driver_main(argc, argv) }
