import CKernels

/// A 3×3 'same' convolution computed as Winograd F(2×2, 3×3) (see ck_conv.h and conv_winograd.c):
/// of x itself (16 tile positions), or of x upsampled ×2 by nearest neighbour (9 positions, read
/// straight from x's grid). The kernels transform the input tiles, multiply them by the transformed
/// filters (one GEMM [Cout, Cin]·[Cin, tiles] per position) and transform back, band by band of tile
/// rows in cache; backward runs the adjoint of each step, and the filter gradient leaves tile space
/// here.
struct WinogradGeometry {
    let n, cin, h, w, cout: Int
    let upsampled: Bool
    var ho: Int { upsampled ? 2 * h : h }
    var wo: Int { upsampled ? 2 * w : w }
    var positions: Int { upsampled ? 9 : 16 }
    /// Multiply-adds ×2 of the 3×3 convolution as defined, whatever computes it.
    var nominalFLOPs: Int { 2 * n * cout * cin * 9 * ho * wo }
    var up: Int32 { upsampled ? 1 : 0 }
}

/// out [N, Cout, ho, wo] ← the convolution of x [N, Cin, H, W] with weight [Cout, Cin, 3, 3] (+ bias).
func winogradForward(_ g: WinogradGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                     bias: UnsafeMutablePointer<Float>?, out: UnsafeMutablePointer<Float>) {
    Scratch.with(count: g.positions * g.cin * g.cout) { u in
        Scratch.check(ck_winograd_filter_forward(weight, u, g.cout, g.cin, g.up), "winograd filter transform")
        Scratch.check(ck_winograd_forward(x, u, bias, out, g.n, g.cin, g.cout, g.h, g.w, g.up, 0), "winograd forward")
    }
}

/// dx ← ∂/∂x and dw ← ∂/∂weight of Σ dy · winogradForward(x, weight); either may be nil.
func winogradBackward(_ g: WinogradGeometry, x: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                      dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?) {
    guard dx != nil || dw != nil else { return }
    Scratch.with(count: g.positions * g.cin * g.cout) { u in
        Scratch.with(count: dw == nil ? 0 : g.positions * g.cin * g.cout) { du in
            if dx != nil { Scratch.check(ck_winograd_filter_forward(weight, u, g.cout, g.cin, g.up), "winograd filter transform") }
            Scratch.check(ck_winograd_backward(x, u, dy, dx, dw == nil ? nil : du, g.n, g.cin, g.cout, g.h, g.w, g.up, 0),
                          "winograd backward")
            if let dw {
                Scratch.check(ck_winograd_filter_backward(du, dw, g.cout, g.cin, g.up), "winograd filter transform backward")
            }
        }
    }
}
