import FuzzDriver
import FuzzSupport
import Foundation
import MedadMetrics
import MedadSupport

/// `medad score --task sample`: the input's first NUL-separated part is a label file, the second (if
/// any) its prediction, scored with two fixed cases so that both classes are present.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = FuzzInput.parts(data, size)
    let labels = FuzzInput.folder.appendingPathComponent("labels"), predictions = FuzzInput.folder.appendingPathComponent("pred")
    for folder in [labels, predictions] { try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
    _ = FuzzInput.write(Data("1\n".utf8), to: "labels/b.nii.gz.txt")
    _ = FuzzInput.write(Data("0.7\n".utf8), to: "pred/b.nii.gz.txt")
    _ = FuzzInput.write(Data("0\n".utf8), to: "labels/c.nii.gz.txt")
    _ = FuzzInput.write(Data("0.2\n".utf8), to: "pred/c.nii.gz.txt")
    _ = FuzzInput.write(parts[0], to: "labels/a.nii.gz.txt")
    let prediction = predictions.appendingPathComponent("a.nii.gz.txt")
    if parts.count > 1 {
        _ = FuzzInput.write(parts[1], to: "pred/a.nii.gz.txt")
    } else {
        try? FileManager.default.removeItem(at: prediction)
    }
    // One bootstrap resample: more run on Dispatch's worker threads, whose allocations made nearly every
    // input look like a leak to libFuzzer, each followed by a scan of the whole heap (10 times slower).
    let options = MOODScoringOptions(bootstrap: Bootstrap(resamples: 1, seed: 1))
    if let report = try? MOODSampleScoring.score(predictions: predictions, labels: labels, options: options) {
        precondition(report.cases == 3, "scored \(report.cases) cases of 3")
    }
    return 0
}

/// The executable's entry point (see fuzz_driver.h).
@_cdecl("fuzz_mood_sample_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { fuzz_driver_main(argc, argv) }
