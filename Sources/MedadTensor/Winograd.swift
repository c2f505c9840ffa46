import CKernels

/// A 3×3 'same' convolution computed as Winograd F(2×2, 3×3) (see ck_conv.h and conv_winograd.c):
/// of x itself (16 tile positions), or of x upsampled ×2 by nearest neighbour (9 positions, read
/// straight from x's grid).
///
/// The input tiles are transformed, multiplied by the transformed filters in one GEMM
/// [Cout, Cin]·[Cin, tiles] per position, and transformed back: forward per band of tile rows inside
/// the kernel, backward per chunk of images here. Tiles run along the last axis, so that every
/// transform works on contiguous rows of tiles (vectorised); with the row stride padded (`rowStride`)
/// OpenBLAS runs this orientation as fast as [tiles, Cin]·[Cin, Cout] at 32 channels, whose layout
/// would leave the transforms with scattered accesses.
/// Backward runs the adjoint of each step: dy's blocks become tile gradients dm, the filter gradient
/// is Σ vᵀ·dm over the recomputed input tiles, the input gradient is dm·uᵀ taken back onto the pixels.
struct WinogradGeometry {
    let n, cin, h, w, cout: Int
    let upsampled: Bool
    var ho: Int { upsampled ? 2 * h : h }
    var wo: Int { upsampled ? 2 * w : w }
    var positions: Int { upsampled ? 9 : 16 }
    /// 2×2 output blocks per image.
    var tiles: Int { ((ho + 1) / 2) * ((wo + 1) / 2) }
    /// Images per chunk of the backward pass: the transformed tiles [positions, tiles, max(Cin, Cout)] within a quarter of
    /// `ConvolutionMemory.columnBudget` (2.5 MB by default), at least one image. In the zoo's training
    /// step (cnn-s, 1 thread) chunks of one 64² image at 32 channels instead of five took the step from
    /// about 0.67–0.78 s to 0.57–0.62 s and the forward from 0.26 s to 0.20 s.
    static var floatBudget: Int { ConvolutionMemory.columnBudget / 4 }
    var chunk: Int { max(1, min(n, Self.floatBudget / (positions * tiles * max(cin, cout)))) }
    /// Multiply-adds ×2 of the 3×3 convolution as defined, whatever computes it.
    var nominalFLOPs: Int { 2 * n * cout * cin * 9 * ho * wo }
    var up: Int32 { upsampled ? 1 : 0 }

    /// The row stride of the tile matrices for `tiles` columns: never a multiple of 16 floats. Rows a
    /// large power of two apart (1024 tiles per 64² image) collide in the cache when OpenBLAS packs
    /// them: [32, 32]·[32, 5120] ran at 59 GFLOP/s and [32, 32]·[32, 5128] at 84 (SkylakeX kernels).
    static func rowStride(_ tiles: Int) -> Int { (tiles + 15) / 16 * 16 + 8 }
    /// Floats of one chunk's tile matrices per channel, all positions.
    var chunkFloats: Int { positions * Self.rowStride(chunk * tiles) }
}

/// Batched C = op(A)·op(B) over the tile positions, with explicit row strides (see ck_blas.h). Only
/// called inside `FLOPCounter.counting`, which counts the nominal convolution instead.
private func product(_ g: WinogradGeometry, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, transposeA: Bool, lda: Int, strideA: Int,
                     b: UnsafePointer<Float>, transposeB: Bool, ldb: Int, strideB: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, strideC: Int, accumulate: Bool = false) {
    ck_sgemm_ld(Int32(g.positions), Int32(m), Int32(n), Int32(k), a, transposeA ? 1 : 0, Int32(lda), strideA,
                b, transposeB ? 1 : 0, Int32(ldb), strideB, c, Int32(ldc), strideC, accumulate ? 1 : 0)
}

/// out [N, Cout, ho, wo] ← the convolution of x [N, Cin, H, W] with weight [Cout, Cin, 3, 3] (+ bias),
/// band by band in cache (`ck_winograd_forward`).
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
    let chunk = g.chunk
    Scratch.with(count: g.positions * g.cin * g.cout) { u in
        Scratch.with(count: g.positions * g.cin * g.cout) { du in
            if dx != nil { Scratch.check(ck_winograd_filter_forward(weight, u, g.cout, g.cin, g.up), "winograd filter transform") }
            Scratch.with(count: g.chunkFloats * g.cin) { v in
                Scratch.with(count: g.chunkFloats * g.cout) { dm in
                    for start in stride(from: 0, to: g.n, by: chunk) {
                        let images = min(chunk, g.n - start), tiles = images * g.tiles, ld = WinogradGeometry.rowStride(tiles)
                        ck_winograd_output_backward(dy + start * g.cout * g.ho * g.wo, dm, images, g.cout, g.ho, g.wo, ld, g.up)
                        if dw != nil {
                            Scratch.check(ck_winograd_input_forward(x + start * g.cin * g.h * g.w, v, images, g.cin, g.h, g.w,
                                                                    ld, g.up), "winograd input transform")
                            product(g, m: g.cout, n: g.cin, k: tiles, a: dm, transposeA: false, lda: ld, strideA: g.cout * ld,
                                    b: v, transposeB: true, ldb: ld, strideB: g.cin * ld, c: du, ldc: g.cin,
                                    strideC: g.cout * g.cin, accumulate: start > 0)
                        }
                        if let dx {
                            // The input tiles are no longer needed: their buffer takes the tile gradients.
                            product(g, m: g.cin, n: tiles, k: g.cout, a: u, transposeA: true, lda: g.cin, strideA: g.cout * g.cin,
                                    b: dm, transposeB: false, ldb: ld, strideB: g.cout * ld, c: v, ldc: ld, strideC: g.cin * ld)
                            Scratch.check(ck_winograd_input_backward(v, dx + start * g.cin * g.h * g.w, images, g.cin, g.h, g.w,
                                                                     ld, g.up), "winograd input transform backward")
                        }
                    }
                }
            }
            if let dw {
                Scratch.check(ck_winograd_filter_backward(du, dw, g.cout, g.cin, g.up), "winograd filter transform backward")
            }
        }
    }
}
