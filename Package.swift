// swift-tools-version:6.0
// medad: medical image anomaly detection research, from kernels to reports.
// Module arrows point one way, from the C kernels up to the thin `medad` CLI:
//   CKernels, COpenBLAS  ->  MedadSupport  ->  MedadTensor
//   CNifti (libnifti)    ->  MedadSupport  ->  MedadVolumes  ->  MedadAnomalies
//                            MedadTensor   ->  MedadNN  ->  MedadZoo
//                            MedadSupport  ->  MedadMetrics
//                            MedadMethods, MedadMetrics  ->  MedadMOOD
import PackageDescription

// OpenMP: the toolchain's clang understands -fopenmp; the runtime is the system's libomp.so.5.
// The kernels are plain C that the compiler vectorises: x86-64-v3 (AVX2, FMA) on x86 hosts, which every
// machine medad is measured on has; any other architecture (aarch64) builds for its own baseline
// rather than failing on an x86-only flag. Run-time dispatch for pre-AVX2 x86 is not done yet.
#if arch(x86_64)
let architectureFlags = ["-march=x86-64-v3"]
#else
let architectureFlags: [String] = []
#endif
let optimisedOpenMP: [CSetting] = [.unsafeFlags(["-fopenmp", "-O3", "-fno-math-errno"] + architectureFlags)]

// Folders and process helpers shared by the test targets (not a product).
let testSupport: [Target] = [
    .target(name: "MedadTestSupport", path: "Tests/MedadTestSupport"),
]

let kernels: [Target] = [
    .target(name: "CKernels", cSettings: optimisedOpenMP, linkerSettings: [.linkedLibrary(":libomp.so.5"), .linkedLibrary("openblas")]),
    .systemLibrary(name: "COpenBLAS"),
    .testTarget(name: "CKernelsTests", dependencies: ["CKernels", "MedadSupport"]),

    .target(name: "CNifti", cSettings: [.unsafeFlags(["-I/usr/include/nifti", "-O2"])],
            linkerSettings: [.linkedLibrary("niftiio"), .linkedLibrary("znz"), .linkedLibrary("z"), .linkedLibrary("m")]),
]

let core: [Target] = [
    .target(name: "MedadSupport", dependencies: ["CKernels"]),
    .target(name: "MedadTensor", dependencies: ["MedadSupport", "CKernels", "COpenBLAS"]),
    .target(name: "MedadVolumes", dependencies: ["MedadSupport", "CKernels", "CNifti"]),
    .target(name: "MedadConfig", dependencies: ["MedadSupport"]),
    .testTarget(name: "MedadConfigTests", dependencies: ["MedadConfig"]),
    .testTarget(name: "MedadSupportTests", dependencies: ["MedadSupport"]),
    .testTarget(name: "MedadTensorTests", dependencies: ["MedadTensor"]),
    .testTarget(name: "MedadVolumesTests", dependencies: ["MedadTestSupport", "MedadVolumes", "MedadSupport"]),
]

let anomalies: [Target] = [
    .target(name: "MedadAnomalies", dependencies: ["MedadVolumes", "MedadSupport", "CKernels"]),
    .testTarget(name: "MedadAnomaliesTests", dependencies: ["MedadAnomalies", "MedadVolumes", "MedadSupport"]),

]

let nn: [Target] = [
    .target(name: "MedadNN", dependencies: ["MedadSupport", "MedadTensor", "MedadConfig", "CKernels"]),
    .testTarget(name: "MedadNNTests", dependencies: ["MedadNN", "MedadTensor", "MedadSupport"]),
]

let zoo: [Target] = [
    .target(name: "MedadZoo", dependencies: ["MedadSupport", "MedadTensor", "MedadNN"]),
    .testTarget(name: "MedadZooTests", dependencies: ["MedadZoo", "MedadNN", "MedadTensor", "MedadSupport", "MedadTraining", "MedadConfig"],
                exclude: ["Fixtures"]),
]

let evaluation: [Target] = [
    .target(name: "MedadMetrics", dependencies: ["MedadSupport", "CKernels"]),
    .testTarget(name: "MedadMetricsTests", dependencies: ["MedadTestSupport", "MedadMetrics", "MedadSupport", "MedadVolumes", "medad"]),
]

let methods: [Target] = [
    .target(name: "MedadMethods", dependencies: [
        "MedadTraining", "MedadZoo", "MedadNN", "MedadTensor", "MedadVolumes", "MedadAnomalies", "MedadMetrics",
        "MedadConfig", "MedadSupport",
    ]),
    .testTarget(name: "MedadMethodsTests", dependencies: [
        "MedadMethods", "MedadTraining", "MedadConfig", "MedadVolumes", "MedadAnomalies", "MedadSupport", "MedadNN", "MedadTensor", "MedadZoo",
    ]),
]

let training: [Target] = [
    .target(name: "MedadTraining", dependencies: ["MedadSupport", "MedadTensor", "MedadNN", "MedadConfig"]),
    .testTarget(name: "MedadTrainingTests", dependencies: ["MedadTraining", "MedadNN", "MedadTensor", "MedadConfig", "MedadSupport"]),
]

let experiments: [Target] = [
    .target(name: "MedadExperiments", dependencies: ["MedadMethods", "MedadTraining", "MedadConfig", "MedadSupport", "MedadMetrics", "MedadNN", "MedadTensor"]),
    .testTarget(name: "MedadExperimentsTests", dependencies: ["MedadTestSupport", "MedadExperiments", "MedadConfig", "MedadSupport", "MedadNN", "MedadTensor", "medad"]),
]

let mood: [Target] = [
    .target(name: "MedadMOOD", dependencies: ["MedadMethods", "MedadAnomalies", "MedadMetrics", "MedadVolumes", "MedadConfig", "MedadSupport"]),
    .testTarget(name: "MedadMOODTests", dependencies: ["MedadTestSupport", 
        "MedadMOOD", "MedadMethods", "MedadMetrics", "MedadVolumes", "MedadConfig", "MedadSupport", "medad",
    ]),
]

let cli: [Target] = [
    .executableTarget(name: "medad", dependencies: [
        "MedadSupport", "MedadTensor", "MedadVolumes", "MedadAnomalies", "MedadNN", "MedadZoo", "MedadMetrics",
        "MedadTraining", "MedadMethods", "MedadConfig", "MedadExperiments", "MedadMOOD",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
    ]),
]

let package = Package(
    name: "medad",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "medad", targets: ["medad"]),
        .library(name: "MedadSupport", targets: ["MedadSupport"]),
        .library(name: "MedadTensor", targets: ["MedadTensor"]),
        .library(name: "MedadConfig", targets: ["MedadConfig"]),
        .library(name: "MedadVolumes", targets: ["MedadVolumes"]),
        .library(name: "MedadAnomalies", targets: ["MedadAnomalies"]),
        .library(name: "MedadNN", targets: ["MedadNN"]),
        .library(name: "MedadZoo", targets: ["MedadZoo"]),
        .library(name: "MedadMetrics", targets: ["MedadMetrics"]),
        .library(name: "MedadMethods", targets: ["MedadMethods"]),
        .library(name: "MedadTraining", targets: ["MedadTraining"]),
        .library(name: "MedadExperiments", targets: ["MedadExperiments"]),
        .library(name: "MedadMOOD", targets: ["MedadMOOD"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: testSupport + kernels + core + anomalies + nn + zoo + evaluation + training + methods + experiments + mood + cli,
    swiftLanguageModes: [.v5]
)
