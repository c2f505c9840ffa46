// Convolution kernels: im2col/col2im around BLAS for 2D convolution, and the depthwise causal 1D
// convolution of Mamba blocks.
//
// Shape legend (all arrays contiguous, row-major, float32):
//   N batch, C channels, H W input height and width, KH KW kernel size, S stride, PAD zero padding
//   HO = (H + 2*PAD - KH) / S + 1, WO = (W + 2*PAD - KW) / S + 1, P = HO*WO output pixels per image
//   x    [N, C, H, W]          image batch (NCHW)
//   col  [C*KH*KW, N*P]        im2col matrix of the whole batch: row (c, i, j), column (n, oh, ow)
//   cnp  [C, N, P]             a GEMM result (channel-major over the batch)
//   ncp  [N, C, P]             the same values in NCHW order
//   Winograd F(2x2, 3x3) of a stride-1, padding-1 3x3 convolution (conv_winograd.c), K output channels,
//   output HO x WO = H x W, or 2H x 2W for the convolution of x upsampled x2 by nearest neighbour (up = 1):
//   TH = (HO+1)/2, TW = (WO+1)/2 tiles per image, T = N*TH*TW, tile t = (n*TH + ty)*TW + tx
//   LD >= T, the row stride of v and m (a multiple of a large power of two there slows the GEMMs)
//   X = 16 tile positions, or 9 when up (position = row-major index in the 4x4 or 3x3 transform)
//   w    [K, C, 3, 3]          filters (PyTorch layout)
//   u    [X, K, C]             transformed filters
//   v    [X, C, LD]            transformed input tiles in columns t < T
//   m    [X, K, LD]            their products, m[xi] = u[xi] v[xi], transformed back into y
//   y    [N, K, HO, WO]        output (NCHW)
//   B batch, L sequence length, K causal kernel length
//   seq  [B, L, C]             token-major sequence (Mamba layout)
//   w1d  [C, 1, K]             depthwise kernel (PyTorch Conv1d layout)
//
// Every kernel is deterministic: each output element is owned by one thread, and the reductions
// over the batch run in a fixed order that does not depend on the thread count.
#pragma once

// col <- im2col(x), zeros where the window reaches into the padding.
void ck_im2col(const float *x, float *col, long N, long C, long H, long W,
               long KH, long KW, long S, long PAD, long HO, long WO);
// dx <- col2im(dcol): each input pixel receives the sum of the column entries that read it.
void ck_col2im(const float *dcol, float *dx, long N, long C, long H, long W,
               long KH, long KW, long S, long PAD, long HO, long WO);

// ncp[n, c, :] <- cnp[c, n, :] + (bias ? bias[c] : 0)
void ck_conv_cnp_to_ncp(const float *cnp, const float *bias, float *ncp, long N, long C, long P);
// cnp[c, n, :] <- ncp[n, c, :]
void ck_conv_ncp_to_cnp(const float *ncp, float *cnp, long N, long C, long P);
// dbias[c] <- sum over n and p of dy[n, c, p]
void ck_conv_bias_backward(const float *dy, float *dbias, long N, long C, long P);

// Winograd F(2x2, 3x3) (conv_winograd.c); each *_backward is the adjoint of its *_forward. up selects
// the upsampled variant. H, W are x's size; HO, WO the output's; ld is LD. The kernels returning int
// return 0, or -1 when memory for their per-thread buffers runs out (nothing is written then).
// u <- G w G^T
int ck_winograd_filter_forward(const float *w, float *u, long K, long C, int up);
// dw <- G^T du G
int ck_winograd_filter_backward(const float *du, float *dw, long K, long C, int up);
// v <- B^T d B for every input tile d (zero padding outside the image)
int ck_winograd_input_forward(const float *x, float *v, long N, long C, long H, long W, long ld, int up);
// dx <- the sum over tiles of B dv B^T at the pixels each tile reads (overwrites dx)
int ck_winograd_input_backward(const float *dv, float *dx, long N, long C, long H, long W, long ld, int up);
// y <- A^T m A + (bias ? bias[k] : 0) for every 2x2 output block, cut at the image border
void ck_winograd_output_forward(const float *m, const float *bias, float *y, long N, long K, long HO, long WO,
                                long ld, int up);
// dm <- A dy A^T for every 2x2 block of dy (zero beyond the border)
void ck_winograd_output_backward(const float *dy, float *dm, long N, long K, long HO, long WO, long ld, int up);

// y[b, t, c] = bias[c] + sum_j w[c, 0, j] * x[b, t - (K-1) + j, c], zero before t = 0. bias may be NULL.
// Returns 0, or -1 when memory for the tap-major copy of w runs out (y is not written then).
int ck_causal_dwconv1d_forward(const float *x, const float *w, const float *bias, float *y,
                               long B, long L, long C, long K);
// Gradients of the forward above; any of dx, dw, dbias may be NULL when not needed.
// Returns 0, or -1 when memory for its buffers runs out (the gradients are then incomplete).
int ck_causal_dwconv1d_backward(const float *x, const float *w, const float *dy,
                                float *dx, float *dw, float *dbias, long B, long L, long C, long K);
