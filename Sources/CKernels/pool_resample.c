// Nearest-neighbour 2x upsampling and global average pooling (see ck_pool.h).
#include "ck_pool.h"
#include "parallel.h"

CK_VECTORISED static void upsample_forward_team(const float *x, float *up, long NC, long H, long W) {
#pragma omp for collapse(2) schedule(static)
    for (long p = 0; p < NC; p++) {
        for (long h = 0; h < H; h++) {
            const float *in = x + (p * H + h) * W;
            float *row0 = up + (p * 2 * H + 2 * h) * 2 * W, *row1 = row0 + 2 * W;
            for (long w = 0; w < W; w++) {
                row0[2 * w] = row0[2 * w + 1] = in[w];
                row1[2 * w] = row1[2 * w + 1] = in[w];
            }
        }
    }
}

void ck_upsample_nearest2x_forward(const float *x, float *up, long NC, long H, long W) {
#pragma omp parallel
    upsample_forward_team(x, up, NC, H, W);
}

CK_VECTORISED static void upsample_backward_team(const float *dup, float *dx, long NC, long H, long W) {
#pragma omp for collapse(2) schedule(static)
    for (long p = 0; p < NC; p++) {
        for (long h = 0; h < H; h++) {
            const float *row0 = dup + (p * 2 * H + 2 * h) * 2 * W, *row1 = row0 + 2 * W;
            float *out = dx + (p * H + h) * W;
            for (long w = 0; w < W; w++)
                out[w] = (row0[2 * w] + row0[2 * w + 1]) + (row1[2 * w] + row1[2 * w + 1]);
        }
    }
}

void ck_upsample_nearest2x_backward(const float *dup, float *dx, long NC, long H, long W) {
#pragma omp parallel
    upsample_backward_team(dup, dx, NC, H, W);
}

void ck_global_avgpool_forward(const float *x, float *mean, long NC, long HW) {
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        double sum = 0;
        for (long i = 0; i < HW; i++) sum += x[p * HW + i];
        mean[p] = (float)(sum / HW);
    }
}

void ck_global_avgpool_backward(const float *dmean, float *dx, long NC, long HW) {
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        float v = dmean[p] / (float)HW;
        for (long i = 0; i < HW; i++) dx[p * HW + i] = v;
    }
}
