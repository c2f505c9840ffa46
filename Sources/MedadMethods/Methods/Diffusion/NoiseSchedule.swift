// Denoising diffusion: J. Ho, A. Jain, P. Abbeel, "Denoising Diffusion Probabilistic Models", NeurIPS
// 2020 (linear schedule, posterior); A. Nichol, P. Dhariwal, "Improved Denoising Diffusion Probabilistic
// Models", ICML 2021 (cosine schedule); J. Song, C. Meng, S. Ermon, "Denoising Diffusion Implicit
// Models", ICLR 2021 (DDIM). Timesteps are 0-based as in guided-diffusion and diffusers: t = 0 is the
// first noising step, ᾱ_t = ∏_{s ≤ t} (1 − β_s).
import Foundation

/// The forward process's variances and the coefficients that sampling and training read, in double
/// precision (checked against diffusers' schedulers in DiffusionReferenceTests).
package struct NoiseSchedule: Sendable {
    package enum Kind: String, CaseIterable, Sendable { case linear, cosine }

    package let betas: [Double]
    package let alphaBars: [Double]
    package var steps: Int { betas.count }

    /// `linear`: β from 1e-4 to 2e-2 evenly (Ho et al.); `cosine`: ᾱ_t = f(t + 1) / f(0) with
    /// f(t) = cos²((t/T + s)/(1 + s) · π/2), s = 0.008, and β_t = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999).
    package init(_ kind: Kind, steps: Int = 1000) {
        switch kind {
        case .linear:
            betas = (0..<steps).map { (t: Int) -> Double in 1e-4 + (2e-2 - 1e-4) * (Double(t) / Double(steps - 1)) }
        case .cosine:
            func f(_ t: Double) -> Double {
                let angle = (t / Double(steps) + 0.008) / 1.008 * Double.pi / 2
                return cos(angle) * cos(angle)
            }
            betas = (0..<steps).map { (t: Int) -> Double in min(1 - f(Double(t + 1)) / f(Double(t)), 0.999) }
        }
        var product = 1.0
        alphaBars = betas.map { product *= 1 - $0; return product }
    }

    /// q(x_t | x_0) = N(√ᾱ_t·x_0, (1 − ᾱ_t)·I): the coefficients of x_0 and of the noise.
    package func marginal(_ t: Int) -> (signal: Double, noise: Double) {
        (alphaBars[t].squareRoot(), (1 - alphaBars[t]).squareRoot())
    }

    /// x_0 from x_t and a noise estimate: (x_t − √(1 − ᾱ_t)·ε) / √ᾱ_t, as coefficients of x_t and ε.
    package func x0FromNoise(_ t: Int) -> (xt: Double, noise: Double) {
        (1 / alphaBars[t].squareRoot(), -((1 - alphaBars[t]) / alphaBars[t]).squareRoot())
    }

    /// q(x_{t−1} | x_t, x_0) = N(c0·x_0 + ct·x_t, variance) for t ≥ 1 (at t = 0 the chain ends at x_0).
    package func posterior(_ t: Int) -> (x0: Double, xt: Double, variance: Double) {
        let previous = t > 0 ? alphaBars[t - 1] : 1
        let denominator = 1 - alphaBars[t]
        return (betas[t] * previous.squareRoot() / denominator,
                (1 - previous) * (1 - betas[t]).squareRoot() / denominator,
                betas[t] * (1 - previous) / denominator)
    }

    /// The deterministic DDIM step (η = 0) from t to `target` (< t, or −1 for the clean image):
    /// x_target = √ᾱ_target·x̂_0 + √(1 − ᾱ_target)·ε̂, as coefficients of x̂_0 and ε̂.
    package func ddim(to target: Int) -> (x0: Double, noise: Double) {
        let alphaBar = target >= 0 ? alphaBars[target] : 1
        return (alphaBar.squareRoot(), (1 - alphaBar).squareRoot())
    }

    /// `count` timesteps from `start` down to 0, evenly spaced (DDIM's sub-sequence), first `start`.
    package static func descending(from start: Int, count: Int) -> [Int] {
        let count = max(1, min(count, start + 1))
        guard count > 1 else { return [start] }
        return (0..<count).map { Int((Double(start) * Double(count - 1 - $0) / Double(count - 1)).rounded()) }
    }
}
