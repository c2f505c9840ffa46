// Depthwise K×K convolution with "same" zero padding over a token grid stored token-major, [B, H, W, C]
// (the layout a linear layer leaves), for SegFormer's Mix-FFN ("SegFormer: Simple and Efficient Design
// for Semantic Segmentation with Transformers", Xie et al., NeurIPS 2021). Lowering it as a grouped
// convolution would run one GEMM of a single output row per channel; here every tap is one pass over
// contiguous channels.
#include <stdlib.h>
#include <string.h>
#include "ck_conv.h"
#include "depthwise_shared.h"
#include "parallel.h"

// out[c] (+)= sum over the taps that land inside the grid of tap[c] * in[c], around token (i, j).
// `flip` reads the grid at (i - a + P, j - b + P) instead of (i + a - P, j + b - P): the input
// gradient is the same sum with the kernel turned by 180 degrees.
CK_VECTORISED static void taps_team(const float *src, const float *wt, const float *bias, float *dst,
                                    long B, long H, long W, long C, long K, int flip) {
    const long P = K / 2;
#pragma omp for collapse(2) schedule(static)
    for (long b = 0; b < B; b++) {
        for (long i = 0; i < H; i++) {
            for (long j = 0; j < W; j++) {
                float *out = dst + ((b * H + i) * W + j) * C;
                if (bias) memcpy(out, bias, C * sizeof(float));
                else memset(out, 0, C * sizeof(float));
                for (long a = 0; a < K; a++) {
                    long si = flip ? i - a + P : i + a - P;
                    if (si < 0 || si >= H) continue;
                    for (long e = 0; e < K; e++) {
                        long sj = flip ? j - e + P : j + e - P;
                        if (sj < 0 || sj >= W) continue;
                        const float *in = src + ((b * H + si) * W + sj) * C, *tap = wt + (a * K + e) * C;
                        for (long c = 0; c < C; c++) out[c] += tap[c] * in[c];
                    }
                }
            }
        }
    }
}

int ck_dwconv_grid_forward(const float *x, const float *w, const float *bias, float *y,
                           long B, long H, long W, long C, long K) {
    float *wt = depthwise_taps_by_row(w, C, K * K);
    if (!wt) return -1;
#pragma omp parallel
    taps_team(x, wt, bias, y, B, H, W, C, K, 0);
    free(wt);
    return 0;
}

// partial[chunk] = [K·K taps x C | bias C] summed over the chunk's `per` of the B·H·W tokens.
CK_VECTORISED static void parameter_gradient_team(const float *x, const float *dy, float *partial, long tokens,
                                                  long per, long H, long W, long C, long K) {
    const long P = K / 2, stride = (K * K + 1) * C;
#pragma omp for schedule(static)
    for (long chunk = 0; chunk < REDUCE_CHUNKS; chunk++) {
        float *acc = partial + chunk * stride;
        long end = (chunk + 1) * per < tokens ? (chunk + 1) * per : tokens;
        for (long r = chunk * per; r < end; r++) {
            long b = r / (H * W), i = r / W % H, j = r % W;
            const float *g = dy + r * C;
            for (long a = 0; a < K; a++) {
                long si = i + a - P;
                if (si < 0 || si >= H) continue;
                for (long e = 0; e < K; e++) {
                    long sj = j + e - P;
                    if (sj < 0 || sj >= W) continue;
                    const float *in = x + ((b * H + si) * W + sj) * C;
                    float *acc_tap = acc + (a * K + e) * C;
                    for (long c = 0; c < C; c++) acc_tap[c] += g[c] * in[c];
                }
            }
            float *acc_bias = acc + K * K * C;
            for (long c = 0; c < C; c++) acc_bias[c] += g[c];
        }
    }
}

int ck_dwconv_grid_backward(const float *x, const float *w, const float *dy, float *dx, float *dw, float *dbias,
                            long B, long H, long W, long C, long K) {
    const long T = K * K;
    if (dx) {
        float *wt = depthwise_taps_by_row(w, C, T);
        if (!wt) return -1;
#pragma omp parallel
        taps_team(dy, wt, NULL, dx, B, H, W, C, K, 1);
        free(wt);
    }
    if (!dw && !dbias) return 0;
    long tokens = B * H * W, per = (tokens + REDUCE_CHUNKS - 1) / REDUCE_CHUNKS, stride = (T + 1) * C;
    float *partial = calloc((size_t)(REDUCE_CHUNKS * stride), sizeof(float));
    if (!partial) return -1;
#pragma omp parallel
    parameter_gradient_team(x, dy, partial, tokens, per, H, W, C, K);
    depthwise_sum_chunks(partial, C, T, dw, dbias);
    free(partial);
    return 0;
}
