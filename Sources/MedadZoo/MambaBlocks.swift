// mamba-s: selective state-space blocks after "Mamba: Linear-Time Sequence Modeling with Selective
// State Spaces" (Gu & Dao, 2023), arranged for images as in Vision Mamba ("Vim", Zhu et al., ICML 2024):
// a bidirectional mixer with shared in/out projections. `scan: cross4` instead scans the token grid
// in four orders as VMamba's SS2D ("VMamba: Visual State Space Model", Liu et al., NeurIPS 2024).
// The blocks sit on the shared conv stem's tokens, as U-Mamba's encoder does ("U-Mamba: Enhancing
// Long-range Dependency for Biomedical Image Segmentation", Ma et al., 2024); see TokenBody.
import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// How a Mamba mixer orders the token grid.
public enum MambaScan: String, CaseIterable, Sendable {
    /// Raster order forwards and backwards (Vim); outputs averaged.
    case bi
    /// Row-major, column-major and both reversed (VMamba SS2D); outputs summed back in place.
    case cross4
}

/// Mamba's short causal convolution over tokens, one filter per channel (PyTorch Conv1d layout
/// [C, 1, k] and default initialisation).
public final class CausalConv1d: Module {
    @Key("weight") public private(set) var weight: Tensor
    @Key("bias") public private(set) var bias: Tensor

    public init(channels: Int, kernel: Int, rng: inout SeededRandom) {
        super.init()
        let bound = 1 / Float(kernel).squareRoot()
        weight = Tensor.uniform([channels, 1, kernel], low: -bound, high: bound, rng: &rng)
        bias = Tensor.uniform([channels], low: -bound, high: bound, rng: &rng)
        weight.requiresGrad = true
        bias.requiresGrad = true
    }

    /// tokens [B, L, C] → [B, L, C]; position t sees positions t−k+1 … t.
    public func callAsFunction(_ tokens: Tensor) -> Tensor {
        causalDepthwiseConv1d(tokens, weight: weight, bias: bias)
    }
}

/// One scan direction: causal depthwise conv1d + SiLU, x_proj to (Δ, B, C), dt_proj, and the selective
/// scan with A = −exp(A_log) and skip D. Initialisation as upstream Mamba.
public final class MambaDirection: Module {
    @Key("conv1d") public private(set) var conv1d: CausalConv1d
    @Key("x_proj") public private(set) var inputProjection: Linear
    @Key("dt_proj") public private(set) var timeStepProjection: Linear
    @Key("A_log") public private(set) var logDecay: Tensor
    @Key("D") public private(set) var skipGain: Tensor
    let dtRank: Int
    let stateSize: Int

    public init(channels: Int, stateSize: Int, dtRank: Int, convKernel: Int, rng: inout SeededRandom) {
        self.dtRank = dtRank
        self.stateSize = stateSize
        super.init()
        conv1d = CausalConv1d(channels: channels, kernel: convKernel, rng: &rng)
        inputProjection = Linear(channels, dtRank + 2 * stateSize, bias: false, rng: &rng)
        timeStepProjection = Linear(dtRank, channels, bias: true, rng: &rng)
        logDecay = Tensor(shape: [channels, stateSize],
                          values: (0..<channels).flatMap { _ in (1...stateSize).map { Float(log(Double($0))) } })
        skipGain = Tensor(shape: [channels], repeating: 1)
        MambaDirection.initialiseTimeStep(timeStepProjection, rank: dtRank, rng: &rng)
        for parameter in [logDecay, skipGain] { parameter.requiresGrad = true }
        excludeFromWeightDecay(logDecay, skipGain)
    }

    /// Upstream Mamba: dt_proj weight uniform ±rank^−½; its bias is softplus⁻¹(dt) with dt log-uniform
    /// in [0.001, 0.1] (floored at 1e-4), so initial step sizes span two decades.
    static func initialiseTimeStep(_ projection: Linear, rank: Int, rng: inout SeededRandom) {
        let bound = 1 / Float(rank).squareRoot()
        projection.weight.withMutableBuffer { w in
            for i in w.indices { w[i] = -bound + 2 * bound * rng.nextFloat() }
        }
        projection.bias?.withMutableBuffer { b in
            for i in b.indices {
                let dt = max(exp(rng.uniform(log(0.001), log(0.1))), 1e-4)
                b[i] = Float(dt + log(-expm1(-dt)))
            }
        }
    }

    /// tokens [B, L, Di] in this direction's order → [B, L, Di].
    public func callAsFunction(_ tokens: Tensor) -> Tensor {
        let x = silu(conv1d(tokens))
        let parts = inputProjection(x).split(sizes: [dtRank, stateSize, stateSize], axis: -1)
        let delta = linear(parts[0], weight: timeStepProjection.weight, bias: nil)
        return selectiveScan(u: x, delta: delta, a: -logDecay.exp(), b: parts[1], c: parts[2], d: skipGain,
                             deltaBias: timeStepProjection.bias!)
    }
}

/// The mixer: in_proj splits into x and z; the directions scan x; out = out_proj(combined · SiLU(z)).
public final class MambaMixer: Module {
    @Key("in_proj") public private(set) var inputProjection: Linear
    @Key("fwd") public private(set) var forward: MambaDirection?
    @Key("bwd") public private(set) var backward: MambaDirection?
    @Key("directions") public private(set) var directions: [MambaDirection]
    @Key("out_proj") public private(set) var outputProjection: Linear
    let scan: MambaScan

    public init(dim: Int, stateSize: Int = 16, convKernel: Int = 4, expand: Int = 2, scan: MambaScan, rng: inout SeededRandom) {
        let inner = expand * dim
        let dtRank = (dim + 15) / 16
        self.scan = scan
        super.init()
        inputProjection = Linear(dim, 2 * inner, bias: false, rng: &rng)
        func direction() -> MambaDirection {
            MambaDirection(channels: inner, stateSize: stateSize, dtRank: dtRank, convKernel: convKernel, rng: &rng)
        }
        switch scan {
        case .bi:
            forward = direction(); backward = direction(); directions = []
        case .cross4:
            forward = nil; backward = nil; directions = (0..<4).map { _ in direction() }
        }
        outputProjection = Linear(inner, dim, bias: false, rng: &rng)
    }

    public func callAsFunction(_ tokens: Tensor, grid: [Int]) -> Tensor {
        let inner = inputProjection.weight.shape[0] / 2
        let halves = inputProjection(tokens).split(sizes: [inner, inner], axis: -1)
        let (x, z) = (halves[0], halves[1])
        let mixed: Tensor
        switch scan {
        case .bi:
            mixed = (forward!(x) + backward!(x.flipped(axes: [1])).flipped(axes: [1])) * 0.5
        case .cross4:
            mixed = crossScan(x, grid: grid)
        }
        return outputProjection(mixed * silu(z))
    }

    /// Row-major, column-major, and both reversed; each output returned to row-major order and summed.
    private func crossScan(_ x: Tensor, grid: [Int]) -> Tensor {
        precondition(grid.count == 2, "cross4 scans a 2D token grid, got sides \(grid)")
        let (b, c, h, w) = (x.shape[0], x.shape[2], grid[0], grid[1])
        func toColumns(_ t: Tensor, _ rows: Int, _ columns: Int) -> Tensor {
            t.reshaped([b, rows, columns, c]).transposed(1, 2).reshaped([b, rows * columns, c])
        }
        let columnMajor = toColumns(x, h, w)
        let rowForward = directions[0](x)
        let rowBackward = directions[1](x.flipped(axes: [1])).flipped(axes: [1])
        let columnForward = toColumns(directions[2](columnMajor), w, h)
        let columnBackward = toColumns(directions[3](columnMajor.flipped(axes: [1])).flipped(axes: [1]), w, h)
        return rowForward + rowBackward + columnForward + columnBackward
    }
}

/// A pre-norm residual Mamba block.
public final class MambaBlock: Module, TokenBlock {
    @Key("norm") public private(set) var norm: LayerNorm
    @Key("mixer") public private(set) var mixer: MambaMixer

    public init(dim: Int, scan: MambaScan, rng: inout SeededRandom) {
        super.init()
        norm = LayerNorm(dim)
        mixer = MambaMixer(dim: dim, scan: scan, rng: &rng)
    }

    public func callAsFunction(_ tokens: Tensor, grid: [Int]) -> Tensor {
        tokens + mixer(norm(tokens), grid: grid)
    }
}

extension TokenBody {
    /// mamba-s's body (mamba3d-s's with `dims` 3): 4 blocks, d_model 192, expand 2, d_state 16, d_conv 4,
    /// dt_rank 12. In 3D the tokens are scanned in raster order (depth, row, column) both ways.
    /// With `cross4` a block keeps four directions' scan parameters instead of two, so the body has 3
    /// blocks: 4 would make the network 22% larger than cnn-s, outside the zoo's ±15%.
    public static func mambaS(scan: MambaScan, dims: Int, rng: inout SeededRandom) -> TokenBody {
        TokenBody(dim: 192, dims: dims, blocks: { MambaBlock(dim: 192, scan: scan, rng: &$0) },
                  count: scan == .cross4 ? 3 : 4, rng: &rng)
    }
}
