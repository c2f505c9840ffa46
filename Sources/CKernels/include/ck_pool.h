// Pooling and resampling kernels over NCHW images and NCDHW volumes, viewed as NC independent planes
// (an image is a volume of depth 1).
//
// Shape legend (contiguous, row-major, float32):
//   NC = batch * channels planes, D H W input size (D = 1 for images), S stride (no padding)
//   K window side in height and width, KD in depth: K for cubic windows, 1 for square ones (images)
//   DO = (D - KD) / S + 1, HO = (H - K) / S + 1, WO = (W - K) / S + 1
//   x, dx   [NC, D, H, W]          input and its gradient
//   y, dy   [NC, DO, HO, WO]       pooled output and its gradient
//   argmax  [NC, DO, HO, WO]       index ((id * H) + ih) * W + iw of the first maximum of each window
//   RD      2 to double the depth as well (volumes), 1 to keep it (images)
//   up      [NC, RD*D, 2H, 2W]     nearest-neighbour 2x upsampling
//   mean    [NC]                   global average of each plane, V = D*H*W voxels
//
// Backward kernels give each input plane (or depth plane) to one thread and add in a fixed order:
// deterministic.
#pragma once
#include <stdint.h>

void ck_avgpool_forward(const float *x, float *y, long NC, long D, long H, long W, long KD, long K, long S,
                        long DO, long HO, long WO);
void ck_avgpool_backward(const float *dy, float *dx, long NC, long D, long H, long W, long KD, long K, long S,
                         long DO, long HO, long WO);

// Ties keep the first maximum in raster order (d, h, w), as PyTorch does.
void ck_maxpool_forward(const float *x, float *y, int32_t *argmax, long NC, long D, long H, long W,
                        long KD, long K, long S, long DO, long HO, long WO);
void ck_maxpool_backward(const float *dy, const int32_t *argmax, float *dx, long NC, long D, long H, long W,
                         long DO, long HO, long WO);

void ck_upsample_nearest2x_forward(const float *x, float *up, long NC, long D, long H, long W, long RD);
// dx[d, h, w] = sum of the RD x 2 x 2 block of dup it was copied to.
void ck_upsample_nearest2x_backward(const float *dup, float *dx, long NC, long D, long H, long W, long RD);

void ck_global_avgpool_forward(const float *x, float *mean, long NC, long V);
void ck_global_avgpool_backward(const float *dmean, float *dx, long NC, long V);
