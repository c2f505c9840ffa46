// Pooling and resampling kernels over NCHW images, viewed as NC independent planes.
//
// Shape legend (contiguous, row-major, float32):
//   NC = batch * channels planes, H W input plane size, K square window, S stride (no padding)
//   HO = (H - K) / S + 1, WO = (W - K) / S + 1
//   x, dx   [NC, H, W]          input and its gradient
//   y, dy   [NC, HO, WO]        pooled output and its gradient
//   argmax  [NC, HO, WO]        index (ih * W + iw) of the first maximum of each window
//   up      [NC, 2H, 2W]        nearest-neighbour 2x upsampling
//   mean    [NC]                global average of each plane
//
// Backward kernels give each input plane to one thread and add in a fixed order: deterministic.
#pragma once
#include <stdint.h>

void ck_avgpool2d_forward(const float *x, float *y, long NC, long H, long W, long K, long S, long HO, long WO);
void ck_avgpool2d_backward(const float *dy, float *dx, long NC, long H, long W, long K, long S, long HO, long WO);

void ck_maxpool2d_forward(const float *x, float *y, int32_t *argmax,
                          long NC, long H, long W, long K, long S, long HO, long WO);
void ck_maxpool2d_backward(const float *dy, const int32_t *argmax, float *dx,
                           long NC, long H, long W, long HO, long WO);

void ck_upsample_nearest2x_forward(const float *x, float *up, long NC, long H, long W);
// dx[h, w] = sum of the 2x2 block of dup it was copied to.
void ck_upsample_nearest2x_backward(const float *dup, float *dx, long NC, long H, long W);

void ck_global_avgpool_forward(const float *x, float *mean, long NC, long HW);
void ck_global_avgpool_backward(const float *dmean, float *dx, long NC, long HW);
