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

// The output positions o whose window [o*S, o*S + K) covers input position i: o in [*lo, *hi).
static void covering(long i, long K, long S, long O, long *lo, long *hi) {
    long first = i - K + 1;
    *lo = first > 0 ? (first + S - 1) / S : 0;
    *hi = i / S + 1 < O ? i / S + 1 : O;
}

void ck_avgpool2d_backward(const float *dy, float *dx, long NC, long H, long W, long K, long S, long HO, long WO) {
    float scale = 1.0f / (float)(K * K);
    // Gathered per input pixel, so each dx value is written once by the thread owning its plane.
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        const float *g = dy + p * HO * WO;
        for (long ih = 0; ih < H; ih++) {
            long ohLo, ohHi;
            covering(ih, K, S, HO, &ohLo, &ohHi);
            for (long iw = 0; iw < W; iw++) {
                long owLo, owHi;
                covering(iw, K, S, WO, &owLo, &owHi);
                float sum = 0;
                for (long oh = ohLo; oh < ohHi; oh++)
                    for (long ow = owLo; ow < owHi; ow++) sum += g[oh * WO + ow];
                dx[(p * H + ih) * W + iw] = sum * scale;
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
