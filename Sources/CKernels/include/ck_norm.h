// Normalisation kernels: GroupNorm over NCHW images and LayerNorm over the last axis.
//
// Shape legend (contiguous, row-major, float32):
//   N batch, C channels, HW pixels per channel plane, G groups (C % G == 0), M = (C/G)*HW
//   x, y, dy, dx  [N, C, HW] for GroupNorm; [R, D] for LayerNorm (R rows of D features)
//   w, b          [C] (GroupNorm) or [D] (LayerNorm) affine scale and shift, NULL for none (1 and 0)
//   mean, rstd    [N, G] or [R]: saved statistics, rstd = 1 / sqrt(biased variance + eps)
//
// Statistics are accumulated in double. Each output element is owned by one thread and the
// parameter-gradient reductions run in a fixed order independent of the thread count.
#pragma once

void ck_groupnorm_forward(const float *x, const float *w, const float *b, float *y,
                          float *mean, float *rstd, long N, long C, long HW, long G, float eps);
// Any of dx, dw, db may be NULL when not needed. The backward kernels return 0, or -1 when memory for
// their sums and buffers runs out (the gradients are then incomplete).
int ck_groupnorm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                          const float *dy, float *dx, float *dw, float *db,
                          long N, long C, long HW, long G);
// y <- silu(groupnorm(x)) in one pass, and its backward (dy is the gradient of the SiLU output).
void ck_groupnorm_silu_forward(const float *x, const float *w, const float *b, float *y,
                               float *mean, float *rstd, long N, long C, long HW, long G, float eps);
int ck_groupnorm_silu_backward(const float *x, const float *w, const float *b, const float *mean, const float *rstd,
                               const float *dy, float *dx, float *dw, float *db,
                               long N, long C, long HW, long G);

void ck_layernorm_forward(const float *x, const float *w, const float *b, float *y,
                          float *mean, float *rstd, long R, long D, float eps);
// Any of dx, dw, db may be NULL when not needed. Returns 0, or -1 when memory for the partial sums of
// dw and db runs out.
int ck_layernorm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                          const float *dy, float *dx, float *dw, float *db, long R, long D);
