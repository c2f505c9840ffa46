// GELU: D. Hendrycks and K. Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415, 2016.
// SiLU: S. Elfwing et al., "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in
// Reinforcement Learning", Neural Networks 2018.

import CKernels

extension Tensor {
    /// Applies a C unary kernel and records its backward, which reads the input and the output.
    func unary(_ op: Int32, _ name: String, _ p0: Float = 0, _ p1: Float = 0) -> Tensor {
        let out = Tensor(uninitialized: shape)
        ck_unary(op, storage.pointer, out.storage.pointer, count, p0, p1)
        let result = out.storage  // not `out` itself: its node holds this closure
        return Tensor.record(name, out, inputs: [self]) { g in
            let gx = Tensor(uninitialized: self.shape)
            ck_unary_backward(op, self.storage.pointer, result.pointer, g.storage.pointer, gx.storage.pointer,
                              self.count, p0, p1)
            return [gx]
        }
    }

    /// eˣ elementwise.
    public func exp() -> Tensor { unary(CK_EXP, "exp") }
    /// Natural logarithm elementwise (-inf at 0, NaN below).
    public func log() -> Tensor { unary(CK_LOG, "log") }
    /// Square root elementwise (NaN below 0).
    public func sqrt() -> Tensor { unary(CK_SQRT, "sqrt") }
    /// |x|; its gradient at 0 is 0.
    public func abs() -> Tensor { unary(CK_ABS, "abs") }
    /// x² elementwise.
    public func square() -> Tensor { unary(CK_SQUARE, "square") }
    /// xᵉ elementwise, as C's powf. Exponent 2 (focal loss's default γ) takes the vectorised square.
    public func pow(_ exponent: Float) -> Tensor {
        exponent == 2 ? square() : unary(CK_POW, "pow", exponent)
    }

    /// Limits values to [min, max] (either bound optional). The gradient passes where min ≤ x ≤ max
    /// and is 0 outside, as in PyTorch.
    public func clamp(min: Float? = nil, max: Float? = nil) -> Tensor {
        unary(CK_CLAMP, "clamp", min ?? -.infinity, max ?? .infinity)
    }
}

/// max(x, 0); gradient 0 at x = 0.
public func relu(_ x: Tensor) -> Tensor { x.unary(CK_RELU, "relu") }
/// Exact GELU, x·Φ(x) with the erf form of the normal CDF (Hendrycks & Gimpel 2016).
public func gelu(_ x: Tensor) -> Tensor { x.unary(CK_GELU, "gelu") }
/// SiLU (swish), x·σ(x).
public func silu(_ x: Tensor) -> Tensor { x.unary(CK_SILU, "silu") }
/// 1 / (1 + e⁻ˣ), never overflowing.
public func sigmoid(_ x: Tensor) -> Tensor { x.unary(CK_SIGMOID, "sigmoid") }
/// log(1 + eˣ) with PyTorch's defaults (beta 1, threshold 20): x itself above 20.
public func softplus(_ x: Tensor) -> Tensor { x.unary(CK_SOFTPLUS, "softplus") }
/// Hyperbolic tangent, through e^{-2|x|} so it never overflows.
public func tanh(_ x: Tensor) -> Tensor { x.unary(CK_TANH, "tanh") }
