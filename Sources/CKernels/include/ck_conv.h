// Convolution kernels: vol2col/col2vol around BLAS for 2D and 3D convolution, the depthwise causal
// 1D convolution of Mamba blocks, and the depthwise convolution over a token grid of Mix-FFN.
//
// Shape legend (all arrays contiguous, row-major, float32):
//   ck_conv_dims: N batch, C channels, D H W input depth, height and width, KD KH KW kernel size,
//   S stride, PAD zero padding of height and width, PD of depth (PAD in 3D, 0 in 2D)
//   DO = (D + 2*PD - KD) / S + 1, HO = (H + 2*PAD - KH) / S + 1, WO = (W + 2*PAD - KW) / S + 1
//   A 2D convolution is the case D = KD = DO = 1, PD = 0: one code path for both.
//   DO*HO output rows (od, oh) per image, row b = od*HO + oh; a band of them [b0, b0 + nb) is lowered
//   at a time, so that the columns of a large volume fit a bounded buffer; Q = nb*WO columns per image
//   x    [N, C, D, H, W]       volume batch (NCDHW; NCHW when D = 1)
//   col  [C*KD*KH*KW, N*Q]     vol2col matrix of the batch's band: row (c, a, i, j), column (n, b - b0, ow)
//   P = DO*HO*WO output positions per image
//   cnp  [C, N, P]             a GEMM result (channel-major over the batch)
//   ncp  [N, C, P]             the same values in NCDHW order
//   Winograd F(2x2, 3x3) of a stride-1, padding-1 3x3 convolution (conv_winograd.c), K output channels,
//   output HO x WO = H x W, or 2H x 2W for the convolution of x upsampled x2 by nearest neighbour (up = 1):
//   TH = (HO+1)/2, TW = (WO+1)/2 tiles per image; tile (ty, tx) makes output rows 2ty, 2ty+1
//   X = 16 tile positions, or 9 when up (position = row-major index in the 4x4 or 3x3 transform)
//   w    [K, C, 3, 3]          filters (PyTorch layout)
//   u    [X, K, C]             transformed filters
//   y    [N, K, HO, WO]        output (NCHW)
//   Inside the kernels, per band of tile rows of one image: v [X, C, tiles] the transformed input tiles
//   and m [X, K, tiles] their products m[xi] = u[xi] v[xi], transformed back into y.
//   Sub-pixel 3x3x3 convolution of x [N, CI, D, H, W] upsampled x2 (conv_subpixel.c), CO output channels:
//   phase = pd*4 + ph*2 + pw, the parities of the output voxel (2i + pd, 2j + ph, 2k + pw)
//   ws   [8*CO, CI, 2, 2, 2]   folded filters, row phase*CO + o: the 2x2x2 convolution of every phase
//   ys   [N, 8*CO, D+1, H+1, W+1]  that convolution of x with padding 1 (a phase-1 voxel i is read at i+1)
//   out  [N, CO, 2D, 2H, 2W]  out[n, o, 2i+pd, 2j+ph, 2k+pw] = ys[n, phase*CO + o, i+pd, j+ph, k+pw]
//   B batch, L sequence length, K causal kernel length
//   seq  [B, L, C]             token-major sequence (Mamba layout)
//   w1d  [C, 1, K]             depthwise kernel (PyTorch Conv1d layout)
//   Depthwise convolution over a token grid (conv_depthwise_grid.c), K odd, padding K/2:
//   grid [B, H, W, C]          tokens in raster order (row i, column j), channels last
//   w2d  [C, 1, K, K]          depthwise kernel (PyTorch Conv2d layout, groups = C)
//
// Every kernel is deterministic: each output element is owned by one thread, and the reductions
// over the batch run in a fixed order that does not depend on the thread count.
#pragma once

// The sizes of one convolution (see the legend).
typedef struct {
    long N, C, D, H, W;
    long KD, KH, KW, S, PD, PAD;
    long DO, HO, WO;
} ck_conv_dims;

// col <- vol2col(x) for the output rows [b0, b0 + nb), zeros where the window reaches into the padding.
void ck_vol2col(const float *x, float *col, ck_conv_dims s, long b0, long nb);
// dx <- col2vol(dcol) for the same band, the adjoint of vol2col: each input voxel receives the sum of
// the column entries that read it (zero where none do). With accumulate = 1, dx += col2vol(dcol): the
// bands after an image's first, which read input rows that earlier bands read too.
void ck_col2vol(const float *dcol, float *dx, ck_conv_dims s, long b0, long nb, int accumulate);

// ncp[n, c, :] <- cnp[c, n, :] + (bias ? bias[c] : 0)
void ck_conv_cnp_to_ncp(const float *cnp, const float *bias, float *ncp, long N, long C, long P);
// cnp[c, n, :] <- ncp[n, c, :]
void ck_conv_ncp_to_cnp(const float *ncp, float *cnp, long N, long C, long P);
// dbias[c] <- sum over n and p of dy[n, c, p]
void ck_conv_bias_backward(const float *dy, float *dbias, long N, long C, long P);

// Winograd F(2x2, 3x3) (conv_winograd.c); each *_backward is the adjoint of its *_forward. up selects
// the upsampled variant. H, W are x's size; HO, WO the output's. The kernels return 0, or -1 when
// memory for their per-thread buffers runs out (nothing is written then).
// y [N, K, HO, WO] <- the convolution of x [N, C, H, W] by the filters whose transform is u (+ bias[k]
// when bias is not NULL): the input transform, the products by u and the output transform, in jobs
// of `rows` tile rows of one image (rows 0: as many as the cache holds) that never store v or m.
int ck_winograd_forward(const float *x, const float *u, const float *bias, float *y, long N, long C, long K, long H,
                        long W, int up, long rows);
// dx <- the gradient of x and du <- the gradient of u (either may be NULL) of the sum of dy times
// ck_winograd_forward(x, u), band by band as it runs, each image's bands on one thread.
int ck_winograd_backward(const float *x, const float *u, const float *dy, float *dx, float *du, long N, long C, long K,
                         long H, long W, int up, long rows);
// u <- G w G^T
int ck_winograd_filter_forward(const float *w, float *u, long K, long C, int up);
// dw <- G^T du G
int ck_winograd_filter_backward(const float *du, float *dw, long K, long C, int up);

// Sub-pixel convolution (conv_subpixel.c); each *_backward is the adjoint of its *_forward.
// ws <- the folded filters of w [CO, CI, 3, 3, 3]
void ck_subpixel_fold_forward(const float *w, float *ws, long CO, long CI);
// dw <- the adjoint fold of dws (overwrites dw)
void ck_subpixel_fold_backward(const float *dws, float *dw, long CO, long CI);
// out <- the phases of ys interleaved into the fine grid (D, H, W: the coarse size)
void ck_subpixel_interleave_forward(const float *ys, float *out, long N, long CO, long D, long H, long W);
// dys <- dout scattered back to the phases, zero where no output voxel reads ys
void ck_subpixel_interleave_backward(const float *dout, float *dys, long N, long CO, long D, long H, long W);

// y[b, t, c] = bias[c] + sum_j w[c, 0, j] * x[b, t - (K-1) + j, c], zero before t = 0. bias may be NULL.
// Returns 0, or -1 when memory for the tap-major copy of w runs out (y is not written then).
int ck_causal_dwconv1d_forward(const float *x, const float *w, const float *bias, float *y,
                               long B, long L, long C, long K);
// Gradients of the forward above; any of dx, dw, dbias may be NULL when not needed.
// Returns 0, or -1 when memory for its buffers runs out (the gradients are then incomplete).
int ck_causal_dwconv1d_backward(const float *x, const float *w, const float *dy,
                                float *dx, float *dw, float *dbias, long B, long L, long C, long K);

// Depthwise K×K convolution (K odd, zero padding K/2) over a token grid x [B, H, W, C]:
// y[b, i, j, c] = bias[c] + sum_{a, e < K} w[c, 0, a, e] * x[b, i + a - K/2, j + e - K/2, c]. bias may be NULL.
// Returns 0, or -1 when memory for the tap-major copy of w runs out (y is not written then).
int ck_dwconv_grid_forward(const float *x, const float *w, const float *bias, float *y,
                           long B, long H, long W, long C, long K);
// Gradients of the forward above; any of dx, dw, dbias may be NULL when not needed.
// Returns 0, or -1 when memory for its buffers runs out (the gradients are then incomplete).
int ck_dwconv_grid_backward(const float *x, const float *w, const float *dy, float *dx, float *dw, float *dbias,
                            long B, long H, long W, long C, long K);
