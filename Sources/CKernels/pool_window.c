// Windowed average and max pooling without padding, over images and volumes (see ck_pool.h).
#include <string.h>
#include "ck_pool.h"

void ck_avgpool_forward(const float *x, float *y, long NC, long D, long H, long W, long KD, long K, long S,
                        long DO, long HO, long WO) {
    float scale = 1.0f / (float)(KD * K * K);
#pragma omp parallel for collapse(2) schedule(static)
    for (long p = 0; p < NC; p++) {
        for (long od = 0; od < DO; od++) {
            const float *in = x + (p * D + od * S) * H * W;
            float *out = y + (p * DO + od) * HO * WO;
            for (long oh = 0; oh < HO; oh++) {
                for (long ow = 0; ow < WO; ow++) {
                    float sum = 0;
                    for (long a = 0; a < KD; a++)
                        for (long i = 0; i < K; i++)
                            for (long j = 0; j < K; j++) sum += in[(a * H + oh * S + i) * W + ow * S + j];
                    out[oh * WO + ow] = sum * scale;
                }
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

void ck_avgpool_backward(const float *dy, float *dx, long NC, long D, long H, long W, long KD, long K, long S,
                         long DO, long HO, long WO) {
    float scale = 1.0f / (float)(KD * K * K);
    // Gathered per input voxel, so each dx value is written once by the thread owning its depth plane.
#pragma omp parallel for collapse(2) schedule(static)
    for (long p = 0; p < NC; p++) {
        for (long id = 0; id < D; id++) {
            const float *g = dy + p * DO * HO * WO;
            long odLo, odHi;
            covering(id, KD, S, DO, &odLo, &odHi);
            for (long ih = 0; ih < H; ih++) {
                long ohLo, ohHi;
                covering(ih, K, S, HO, &ohLo, &ohHi);
                for (long iw = 0; iw < W; iw++) {
                    long owLo, owHi;
                    covering(iw, K, S, WO, &owLo, &owHi);
                    float sum = 0;
                    for (long od = odLo; od < odHi; od++)
                        for (long oh = ohLo; oh < ohHi; oh++)
                            for (long ow = owLo; ow < owHi; ow++) sum += g[(od * HO + oh) * WO + ow];
                    dx[((p * D + id) * H + ih) * W + iw] = sum * scale;
                }
            }
        }
    }
}

void ck_maxpool_forward(const float *x, float *y, int32_t *argmax, long NC, long D, long H, long W,
                        long KD, long K, long S, long DO, long HO, long WO) {
#pragma omp parallel for collapse(2) schedule(static)
    for (long p = 0; p < NC; p++) {
        for (long od = 0; od < DO; od++) {
            const float *in = x + p * D * H * W;
            for (long oh = 0; oh < HO; oh++) {
                for (long ow = 0; ow < WO; ow++) {
                    long best = (od * S * H + oh * S) * W + ow * S;
                    for (long a = 0; a < KD; a++) {
                        for (long i = 0; i < K; i++) {
                            for (long j = 0; j < K; j++) {
                                long at = ((od * S + a) * H + oh * S + i) * W + ow * S + j;
                                if (in[at] > in[best]) best = at;  // strict: ties keep the first maximum
                            }
                        }
                    }
                    long o = ((p * DO + od) * HO + oh) * WO + ow;
                    y[o] = in[best];
                    argmax[o] = (int32_t)best;
                }
            }
        }
    }
}

void ck_maxpool_backward(const float *dy, const int32_t *argmax, float *dx, long NC, long D, long H, long W,
                         long DO, long HO, long WO) {
    const long V = D * H * W, Q = DO * HO * WO;
    // Per plane, not per depth plane: overlapping windows of neighbouring output planes share voxels.
#pragma omp parallel for schedule(static)
    for (long p = 0; p < NC; p++) {
        float *out = dx + p * V;
        memset(out, 0, V * sizeof(float));
        for (long o = 0; o < Q; o++) out[argmax[p * Q + o]] += dy[p * Q + o];
    }
}
