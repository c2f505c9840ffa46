import Foundation
import MedadSupport
import MedadTensor

/// Throughput of the kernels training spends its time in, for `medad bench ops`: BLAS sgemm, a 3×3
/// convolution forward and backward, and a memory-bound elementwise op. Each figure is the best of
/// several timed runs after a warm-up.
public struct OpsBenchmark: Codable, Equatable, Sendable {
    /// The OpenBLAS kernel family in use (see `ComputeRuntime.blasCore`).
    public var blasCore: String
    public var threads: Int
    /// 1024×1024×1024 sgemm: 2·1024³ flops per run.
    public var sgemmGflops: Double
    /// conv2d 3×3, 64→64 channels, padding 1, batch 16 of 64×64: forward, input gradient and weight
    /// gradient, counted as 3 × 2·MACs.
    public var convFwdBwdGflops: Double
    /// a + b over 16 M floats: bytes read and written (3 × 64 MB) per second.
    public var elementwiseGbps: Double
    /// SiLU over 16 M floats: bytes read and written (2 × 64 MB) per second.
    public var siluGbps: Double

    enum CodingKeys: String, CodingKey {
        case blasCore = "blas_core", threads, sgemmGflops = "sgemm_gflops", convFwdBwdGflops = "conv_fwd_bwd_gflops"
        case elementwiseGbps = "elementwise_gbps", siluGbps = "silu_gbps"
    }

    /// Runs every measurement (a few seconds on 2 cores). sgemm, the quickest, gets twice the runs:
    /// on a shared machine its best time needs more tries to land in a quiet moment.
    public static func run(repeats: Int = 5) -> OpsBenchmark {
        OpsBenchmark(blasCore: ComputeRuntime.blasCore, threads: ComputeRuntime.threads,
                     sgemmGflops: sgemm(repeats: 2 * repeats), convFwdBwdGflops: convolution(repeats: max(1, repeats - 2)),
                     elementwiseGbps: elementwise(repeats: repeats, silu: false), siluGbps: elementwise(repeats: repeats, silu: true))
    }

    /// One JSON object on one line, keys sorted.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// A small aligned table for people.
    public var table: String {
        let rows: [(String, String)] = [
            ("BLAS core", blasCore), ("threads", "\(threads)"),
            ("sgemm 1024³", String(format: "%.1f GFLOP/s", sgemmGflops)),
            ("conv2d 3×3 64→64 fwd+bwd", String(format: "%.1f GFLOP/s", convFwdBwdGflops)),
            ("add 16M floats", String(format: "%.1f GB/s", elementwiseGbps)),
            ("SiLU 16M floats", String(format: "%.1f GB/s", siluGbps)),
        ]
        let width = rows.map(\.0.count).max()!
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

    private static func sgemm(repeats: Int) -> Double {
        let n = 1024
        var rng = SeededRandom(seed: 1)
        let a = Tensor.randn([n, n], rng: &rng), b = Tensor.randn([n, n], rng: &rng)
        let seconds = Stopwatch.best(runs: repeats) { _ = withNoGrad { matmul(a, b) } }
        return 2 * Double(n * n * n) / seconds / 1e9
    }

    private static func convolution(repeats: Int) -> Double {
        let (batch, channels, size) = (16, 64, 64)
        var rng = SeededRandom(seed: 2)
        let x = Tensor.randn([batch, channels, size, size], rng: &rng)
        let weight = Tensor.randn([channels, channels, 3, 3], std: 0.05, rng: &rng)
        x.requiresGrad = true
        weight.requiresGrad = true
        let seed = Tensor(shape: [batch, channels, size, size], repeating: 1)
        let seconds = Stopwatch.best(runs: repeats) {
            x.zeroGrad()
            weight.zeroGrad()
            conv2d(x, weight: weight, padding: 1).backward(seed)
        }
        let macs = Double(batch * channels * size * size * channels * 9)
        return 3 * 2 * macs / seconds / 1e9
    }

    private static func elementwise(repeats: Int, silu useSiLU: Bool) -> Double {
        let count = 16 << 20
        var rng = SeededRandom(seed: 3)
        let a = Tensor.randn([count], rng: &rng), b = Tensor.randn([count], rng: &rng)
        let seconds = Stopwatch.best(runs: repeats) { _ = withNoGrad { useSiLU ? silu(a) : a + b } }
        let bytes = Double((useSiLU ? 2 : 3) * count * MemoryLayout<Float>.size)
        return bytes / seconds / 1e9
    }
}
