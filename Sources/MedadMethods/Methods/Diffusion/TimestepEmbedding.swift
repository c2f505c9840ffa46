import Foundation
import MedadNN
import MedadSupport
import MedadTensor

/// The timestep as the denoiser's conditioning, as in guided-diffusion: a sinusoidal embedding of
/// width 64 (cos of the geometric frequencies 10000^(−i/32), then sin), an MLP 64 → 128 → 128 with SiLU
/// between, and SiLU after it (what guided-diffusion applies before each block's scale-and-shift).
final class TimestepEmbedding: Module {
    static let sinusoidWidth = 64
    static let width = 128
    @Key("in") private(set) var input: Linear
    @Key("out") private(set) var output: Linear

    init(rng: inout SeededRandom) {
        super.init()
        input = Linear(Self.sinusoidWidth, Self.width, rng: &rng)
        output = Linear(Self.width, Self.width, rng: &rng)
    }

    /// timesteps (B) → [B, 128].
    func callAsFunction(_ timesteps: [Int]) -> Tensor {
        silu(output(silu(input(Self.sinusoids(timesteps)))))
    }

    /// [B, 64]: cos(t·ω_i) for i < 32, then sin(t·ω_i), ω_i = exp(−ln(10000)·i/32).
    static func sinusoids(_ timesteps: [Int]) -> Tensor {
        let half = sinusoidWidth / 2
        var values = [Float](repeating: 0, count: timesteps.count * sinusoidWidth)
        for (b, t) in timesteps.enumerated() {
            for i in 0..<half {
                let angle = Double(t) * exp(-log(10000) * Double(i) / Double(half))
                values[b * sinusoidWidth + i] = Float(cos(angle))
                values[b * sinusoidWidth + half + i] = Float(sin(angle))
            }
        }
        return Tensor(shape: [timesteps.count, sinusoidWidth], values: values)
    }
}
