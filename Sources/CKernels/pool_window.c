// Windowed average and max pooling without padding (see ck_pool.h).
#include <string.h>
#include "ck_pool.h"

void ck_avgpool2d_forward(const float *x, float *y, long NC, long H, long W, long K, long S, long HO, long WO) {
    float scale = 1.0f / (float)(K * K);
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        const float *in = x + p * H * W;
        float *out = y + p * HO * WO;
        for (long oh = 0; oh < HO; oh++) {
            for (long ow = 0; ow < WO; ow++) {
                float sum = 0;
                for (long i = 0; i < K; i++)
                    for (long j = 0; j < K; j++) sum += in[(oh * S + i) * W + ow * S + j];
                out[oh * WO + ow] = sum * scale;
            }
        }
    }
}

void ck_avgpool2d_backward(const float *dy, float *dx, long NC, long H, long W, long K, long S, long HO, long WO) {
    float scale = 1.0f / (float)(K * K);
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        const float *g = dy + p * HO * WO;
        float *out = dx + p * H * W;
        memset(out, 0, H * W * sizeof(float));
        for (long oh = 0; oh < HO; oh++) {
            for (long ow = 0; ow < WO; ow++) {
                float v = g[oh * WO + ow] * scale;
                for (long i = 0; i < K; i++)
                    for (long j = 0; j < K; j++) out[(oh * S + i) * W + ow * S + j] += v;
            }
        }
    }
}

void ck_maxpool2d_forward(const float *x, float *y, int32_t *argmax,
                          long NC, long H, long W, long K, long S, long HO, long WO) {
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        const float *in = x + p * H * W;
        for (long oh = 0; oh < HO; oh++) {
            for (long ow = 0; ow < WO; ow++) {
                long best = oh * S * W + ow * S;
                for (long i = 0; i < K; i++) {
                    for (long j = 0; j < K; j++) {
                        long at = (oh * S + i) * W + ow * S + j;
                        if (in[at] > in[best]) best = at;  // strict: ties keep the first maximum
                    }
                }
                y[p * HO * WO + oh * WO + ow] = in[best];
                argmax[p * HO * WO + oh * WO + ow] = (int32_t)best;
            }
        }
    }
}

void ck_maxpool2d_backward(const float *dy, const int32_t *argmax, float *dx,
                           long NC, long H, long W, long HO, long WO) {
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        float *out = dx + p * H * W;
        memset(out, 0, H * W * sizeof(float));
        for (long o = 0; o < HO * WO; o++) out[argmax[p * HO * WO + o]] += dy[p * HO * WO + o];
    }
}
