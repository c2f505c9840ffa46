// swift-tools-version:6.0
// medad: medical image anomaly detection research, from kernels to reports.
// Module arrows point one way, from the C kernels up to the thin `medad` CLI:
//   CKernels, COpenBLAS  ->  MedadSupport  ->  MedadTensor
//   CNifti (libnifti)    ->  MedadSupport  ->  MedadVolumes  ->  MedadAnomalies
//                            MedadTensor   ->  MedadNN  ->  MedadZoo
//                            MedadSupport  ->  MedadMetrics
//                            MedadMethods, MedadMetrics  ->  MedadMOOD
//                            MedadConfig, MedadMetrics, MedadNN  ->  MedadExperiments (runs through
//                            MedadConfig's RunBackend, so it compiles beside MedadMethods, not after it)
import PackageDescription

// The kernels are plain C that the compiler vectorises, built for the architecture's baseline so that they
// run on any CPU of it: on x86-64 their hot loops are compiled for AVX2 and AVX-512 as well and picked
// when the library loads (CK_VECTORISED, Sources/CKernels/parallel.h).
// OpenMP: the runtime is LLVM's libomp, linked by name. Debian and Ubuntu's libomp-dev put the unversioned
// libomp.so only under /usr/lib/llvm-<version>/lib and name it libomp5.so on the linker's path; Homebrew's
// libomp is libomp.dylib (keg-only: see the README for its search paths). Apple's clang accepts OpenMP
// only as a compiler-proper option (-Xclang -fopenmp).
let optimisedOpenMP: [CSetting] = [
    .unsafeFlags(["-O3", "-fno-math-errno"]),
    .unsafeFlags(["-fopenmp"], .when(platforms: [.linux])),
    .unsafeFlags(["-Xclang", "-fopenmp"], .when(platforms: [.macOS])),
]
// Matrix products: OpenBLAS, or Accelerate on Apple platforms (blas_gemm.c).
let kernelLibraries: [LinkerSetting] = [
    .linkedLibrary("omp5", .when(platforms: [.linux])),
    .linkedLibrary("omp", .when(platforms: [.macOS])),
    .linkedLibrary("openblas", .when(platforms: [.linux])),
    .linkedFramework("Accelerate", .when(platforms: [.macOS])),
]

// Folders and process helpers shared by the test targets (not a product).
let testSupport: [Target] = [
    .target(name: "MedadTestSupport", path: "Tests/MedadTestSupport"),
]

let kernels: [Target] = [
    .target(name: "CKernels", cSettings: optimisedOpenMP, linkerSettings: kernelLibraries),
    .systemLibrary(name: "COpenBLAS"),
    .testTarget(name: "CKernelsTests", dependencies: ["CKernels", "MedadSupport"]),

    .target(name: "CNifti", cSettings: [.headerSearchPath("nifti_include"), .unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("niftiio"), .linkedLibrary("znz"), .linkedLibrary("z"), .linkedLibrary("m")]),
]

let core: [Target] = [
    .target(name: "MedadSupport", dependencies: ["CKernels"]),
    .target(name: "MedadTensor", dependencies: ["MedadSupport", "CKernels",
                                                .target(name: "COpenBLAS", condition: .when(platforms: [.linux]))]),
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
        "MedadConfig", "MedadSupport", "CKernels",
    ]),
    .testTarget(name: "MedadMethodsTests", dependencies: [
        "MedadMethods", "MedadTraining", "MedadConfig", "MedadVolumes", "MedadAnomalies", "MedadSupport", "MedadNN", "MedadTensor", "MedadZoo",
        "CKernels", "MedadTestSupport", "medad",
    ], exclude: ["Fixtures"]),
]

let training: [Target] = [
    .target(name: "MedadTraining", dependencies: ["MedadSupport", "MedadTensor", "MedadNN", "MedadConfig"]),
    .testTarget(name: "MedadTrainingTests", dependencies: ["MedadTraining", "MedadNN", "MedadTensor", "MedadConfig", "MedadSupport"]),
]

let experiments: [Target] = [
    .target(name: "MedadExperiments", dependencies: ["MedadConfig", "MedadSupport", "MedadMetrics", "MedadNN", "MedadTensor"]),
    .testTarget(name: "MedadExperimentsTests", dependencies: ["MedadTestSupport", "MedadExperiments", "MedadMethods", "MedadConfig", "MedadSupport", "MedadNN", "MedadTensor", "medad"]),
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
    platforms: [.macOS("13.3")],   // Accelerate's current BLAS interface (blas_gemm.c)
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
