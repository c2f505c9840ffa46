// swift-tools-version:6.0
// libFuzzer targets for medad's readers of untrusted files: NIfTI (header and gzip stream), JSON run
// configs with --set overrides, safetensors checkpoints and MOOD sample-task files. A package of its own
// so that the sanitizer build (scripts/fuzz.sh) never touches the main build folder or its manifest.
import Foundation
import PackageDescription

// A path dependency's identity is the name of its folder, which differs between clones (CI, worktrees).
let medad = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport", "FuzzDriver"] + products.map { .product(name: $0, package: medad) })
}

let package = Package(
    name: "medad-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .target(name: "FuzzDriver"),
        fuzzTarget("fuzz-nifti", ["MedadVolumes", "MedadSupport"]),
        fuzzTarget("fuzz-config", ["MedadConfig", "MedadMethods", "MedadSupport"]),
        fuzzTarget("fuzz-safetensors", ["MedadNN", "MedadSupport"]),
        fuzzTarget("fuzz-mood-sample", ["MedadMetrics", "MedadSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
