import CKernels

/// The memory bound of the lowered convolutions (`conv2d`, `conv3d`).
public enum ConvolutionMemory {
    /// The most floats that the vol2col columns of one GEMM may take: 10 MB, or the columns of one output
    /// row (Cin·kd·kh·kw × Wo floats) where that is more. Chunks of whole images are lowered at once when
    /// they fit; a larger image or volume is lowered in bands of its output rows (od, oh). A 3×3×3
    /// convolution with 32 input channels needs 905 MB of columns for one 64³ volume: 88 bands of at most
    /// 47 output rows here, 10 MB each.
    ///
    /// Chunks that stay in the last-level cache between vol2col and the GEMM that packs them run the GEMM
    /// much closer to peak: measured with OpenBLAS (SkylakeX kernels) for 3×3 64→64 convs on 64×64
    /// images, one image (9.4 MB of columns) per chunk beat chunks of 2, 4 and all 16 images in every
    /// run, and 4096 columns per GEMM reach 81% of the 1024³ rate against 65% for 65536 columns
    /// (1 thread).
    ///
    /// The same holds in 3D: a 3×3×3 32→32 convolution of [2, 32, 32, 32, 32], forward and backward on
    /// 2 threads of the busy shared machine, took 172–177 ms with 5 MB, 188–208 ms with 10 MB, 233 ms
    /// with 20 MB and 244 ms with 40 MB.
    ///
    /// Task-local: `ConvolutionMemory.$columnBudget.withValue(n) { ... }` bounds the convolutions run
    /// inside (forward and backward) without touching other tasks; results change by rounding only.
    @TaskLocal public static var columnBudget = 10 << 18
}

/// The sizes of one 2D or 3D convolution, derived once and shared by forward and backward. A 2D
/// convolution is the case d = kd = od = 1 without depth padding: one lowering serves both.
struct ConvGeometry {
    let n, cin, cout, stride, padding, groups: Int
    let volumetric: Bool
    /// Input, window and output sizes.
    let d, h, w, kd, kh, kw, od, oh, ow: Int

    init(n: Int, cin: Int, cout: Int, stride: Int, padding: Int, groups: Int, volumetric: Bool,
         d: Int, h: Int, w: Int, kd: Int, kh: Int, kw: Int) {
        (self.n, self.cin, self.cout, self.stride, self.padding, self.groups) = (n, cin, cout, stride, padding, groups)
        self.volumetric = volumetric
        (self.d, self.h, self.w, self.kd, self.kh, self.kw) = (d, h, w, kd, kh, kw)
        od = (d + 2 * (volumetric ? padding : 0) - kd) / stride + 1
        oh = (h + 2 * padding - kh) / stride + 1
        ow = (w + 2 * padding - kw) / stride + 1
    }

    var outputShape: [Int] { [n, cout] + (volumetric ? [od] : []) + [oh, ow] }

    /// Output positions per image.
    var pixels: Int { od * oh * ow }
    /// Input positions per image.
    var voxels: Int { d * h * w }
    var cinPerGroup: Int { cin / groups }
    var coutPerGroup: Int { cout / groups }
    /// Rows of one group's vol2col matrix: the length of a filter.
    var filterLength: Int { cinPerGroup * kd * kh * kw }
    /// A 1×1(×1) stride-1 unpadded convolution multiplies each image directly: no vol2col.
    var isPointwise: Bool { kd == 1 && kh == 1 && kw == 1 && stride == 1 && padding == 0 }

    /// The kernels' sizes for a chunk of `images` images.
    func dims(images: Int) -> ck_conv_dims {
        ck_conv_dims(N: images, C: cin, D: d, H: h, W: w, KD: kd, KH: kh, KW: kw, S: stride, PD: volumetric ? padding : 0,
                     PAD: padding, DO: od, HO: oh, WO: ow)
    }

    /// 3×3 stride-1 'same' 2D convolutions with enough channels for the GEMMs to pay run as Winograd
    /// F(2×2, 3×3): 16 multiply-adds per 2×2 outputs and channel pair instead of 36.
    var winograd: WinogradGeometry? {
        guard !volumetric && kh == 3 && kw == 3 && stride == 1 && padding == 1 && groups == 1
              && cin >= 8 && cout >= 8 else { return nil }
        return WinogradGeometry(n: n, cin: cin, h: h, w: w, cout: cout, upsampled: false)
    }

    /// The batch's chunks in order, each within `ConvolutionMemory.columnBudget`: as many whole images as
    /// fit, or, where one image does not, bands of output rows of equal size (as far as they divide).
    var chunks: [ConvChunk] {
        let rowsPerImage = od * oh, fit = max(1, ConvolutionMemory.columnBudget / (cin * kd * kh * kw * ow))
        if fit >= rowsPerImage {
            let images = min(n, fit / rowsPerImage)
            return Swift.stride(from: 0, to: n, by: images).map {
                ConvChunk(image: $0, images: min(images, n - $0), firstRow: 0, rows: rowsPerImage)
            }
        }
        let bands = (rowsPerImage + fit - 1) / fit, rows = (rowsPerImage + bands - 1) / bands
        return (0..<n).flatMap { image in
            Swift.stride(from: 0, to: rowsPerImage, by: rows).map {
                ConvChunk(image: image, images: 1, firstRow: $0, rows: min(rows, rowsPerImage - $0))
            }
        }
    }
}

/// Part of the batch lowered at once: `images` whole images from `image` on, or the output rows
/// [firstRow, firstRow + rows) of image `image` (a row is (od, oh), in raster order).
struct ConvChunk {
    let image, images, firstRow, rows: Int
    func columns(_ g: ConvGeometry) -> Int { images * rows * g.ow }
}

extension ConvGeometry {
    /// The geometry of a convolution over `axes` spatial axes (2 or 3), checking every size; `op` names
    /// it in the messages.
    init(_ op: String, _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, groups: Int, axes: Int) {
        let layout = axes == 3 ? ("[N, C, D, H, W]", "[Cout, Cin/groups, kd, kh, kw]")
                               : ("[N, C, H, W]", "[Cout, Cin/groups, kh, kw]")
        precondition(x.rank == 2 + axes && weight.rank == 2 + axes,
                     "\(op): needs x \(layout.0) and weight \(layout.1), got shapes \(x.shape) and \(weight.shape)")
        precondition(stride >= 1 && padding >= 0 && groups >= 1,
                     "\(op): stride \(stride) must be ≥ 1, padding \(padding) ≥ 0, groups \(groups) ≥ 1")
        let (cin, cout) = (x.shape[1], weight.shape[0])
        precondition(cin % groups == 0 && cout % groups == 0 && weight.shape[1] * groups == cin,
                     "\(op): shapes \(x.shape) and \(weight.shape) do not fit groups \(groups) "
                     + "(weight needs [Cout, \(cin / groups), ...], Cout divisible by groups)")
        if let bias {
            precondition(bias.shape == [cout], "\(op): bias shape \(bias.shape) must be [\(cout)] for weight \(weight.shape)")
        }
        let input = Array(x.shape[2...]), window = Array(weight.shape[2...])
        precondition(zip(input, window).allSatisfy { $0 + 2 * padding >= $1 } && x.count > 0 && weight.count > 0,
                     "\(op): kernel of weight \(weight.shape) does not fit input \(x.shape) with padding \(padding)")
        // A 2D convolution is a 3D one over volumes of depth 1, with a window of depth 1 and no depth padding.
        let (d, kd) = axes == 3 ? (input[0], window[0]) : (1, 1)
        self.init(n: x.shape[0], cin: cin, cout: cout, stride: stride, padding: padding, groups: groups,
                  volumetric: axes == 3, d: d, h: input[axes - 2], w: input[axes - 1],
                  kd: kd, kh: window[axes - 2], kw: window[axes - 1])
    }
}
