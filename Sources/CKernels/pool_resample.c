// Nearest-neighbour 2x upsampling and global average pooling (see ck_pool.h).
#include "ck_pool.h"
#include "parallel.h"

CK_VECTORISED static void upsample_forward_team(const float *x, float *up, long NC, long D, long H, long W, long RD) {
#pragma omp for collapse(2) schedule(static)
    for (long p = 0; p < NC * D; p++) {
        for (long h = 0; h < H; h++) {
            const float *in = x + (p * H + h) * W;
            // Input row (p, h) fills rows 2h and 2h + 1 of each of its RD output depth planes.
            for (long r = 0; r < 2 * RD; r++) {
                float *row = up + ((p * RD + r / 2) * 2 * H + 2 * h + r % 2) * 2 * W;
                for (long w = 0; w < W; w++) row[2 * w] = row[2 * w + 1] = in[w];
            }
        }
    }
}

void ck_upsample_nearest2x_forward(const float *x, float *up, long NC, long D, long H, long W, long RD) {
#pragma omp parallel
    upsample_forward_team(x, up, NC, D, H, W, RD);
}

CK_VECTORISED static void upsample_backward_team(const float *dup, float *dx, long NC, long D, long H, long W, long RD) {
#pragma omp for collapse(2) schedule(static)
    for (long p = 0; p < NC * D; p++) {
        for (long h = 0; h < H; h++) {
            float *out = dx + (p * H + h) * W;
            for (long w = 0; w < W; w++) out[w] = 0;
            for (long r = 0; r < 2 * RD; r++) {
                const float *row = dup + ((p * RD + r / 2) * 2 * H + 2 * h + r % 2) * 2 * W;
                for (long w = 0; w < W; w++) out[w] += row[2 * w] + row[2 * w + 1];
            }
        }
    }
}

void ck_upsample_nearest2x_backward(const float *dup, float *dx, long NC, long D, long H, long W, long RD) {
#pragma omp parallel
    upsample_backward_team(dup, dx, NC, D, H, W, RD);
}

void ck_global_avgpool_forward(const float *x, float *mean, long NC, long V) {
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        double sum = 0;
        for (long i = 0; i < V; i++) sum += x[p * V + i];
        mean[p] = (float)(sum / V);
    }
}

void ck_global_avgpool_backward(const float *dmean, float *dx, long NC, long V) {
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        float v = dmean[p] / (float)V;
        for (long i = 0; i < V; i++) dx[p * V + i] = v;
    }
}
