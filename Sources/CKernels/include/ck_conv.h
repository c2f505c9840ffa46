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
//   phases [N, 4*C, H+1, W+1]  2x2 convolutions (padding 1) of x, phase p = 2*py + px major
//   up   [N, C, 2H, 2W]        the interleaved phases: up[n, c, 2i+py, 2j+px] = phases[n, p*C+c, i+py, j+px]
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

// up <- the interleaved phases (the 3x3 convolution of the nearest-upsampled x).
void ck_phases_interleave_forward(const float *phases, float *up, long N, long C, long H, long W);
// dphases <- dup at the positions each phase supplies, zero at the row and column it does not.
void ck_phases_interleave_backward(const float *dup, float *dphases, long N, long C, long H, long W);

// y[b, t, c] = bias[c] + sum_j w[c, 0, j] * x[b, t - (K-1) + j, c], zero before t = 0. bias may be NULL.
void ck_causal_dwconv1d_forward(const float *x, const float *w, const float *bias, float *y,
                                long B, long L, long C, long K);
// Gradients of the forward above; any of dx, dw, dbias may be NULL when not needed.
void ck_causal_dwconv1d_backward(const float *x, const float *w, const float *dy,
                                 float *dx, float *dw, float *dbias, long B, long L, long C, long K);
