// Depthwise causal 1D convolution over token-major sequences [B, L, C], the short convolution of
// Mamba blocks (Gu & Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces", 2023).
#include <stdlib.h>
#include <string.h>
#include "ck_conv.h"
#include "depthwise_shared.h"
#include "parallel.h"

CK_VECTORISED static void forward_team(const float *x, const float *wt, const float *bias, float *y,
                                       long B, long L, long C, long K) {
#pragma omp for collapse(2) schedule(static)
    for (long b = 0; b < B; b++) {
        for (long t = 0; t < L; t++) {
            float *out = y + (b * L + t) * C;
            for (long c = 0; c < C; c++) out[c] = bias ? bias[c] : 0.0f;
            for (long j = 0; j < K; j++) {
                long src = t - (K - 1) + j;
                if (src < 0) continue;
                const float *in = x + (b * L + src) * C, *tap = wt + j * C;
                for (long c = 0; c < C; c++) out[c] += tap[c] * in[c];
            }
        }
    }
}

int ck_causal_dwconv1d_forward(const float *x, const float *w, const float *bias, float *y,
                               long B, long L, long C, long K) {
    float *wt = depthwise_taps_by_row(w, C, K);
    if (!wt) return -1;
#pragma omp parallel
    forward_team(x, wt, bias, y, B, L, C, K);
    free(wt);
    return 0;
}

// x[b, s] feeds y[b, s + (K-1) - j] through tap j.
CK_VECTORISED static void input_gradient_team(const float *dy, const float *wt, float *dx, long B, long L, long C,
                                              long K) {
#pragma omp for collapse(2) schedule(static)
    for (long b = 0; b < B; b++) {
        for (long s = 0; s < L; s++) {
            float *out = dx + (b * L + s) * C;
            memset(out, 0, C * sizeof(float));
            for (long j = 0; j < K; j++) {
                long t = s + (K - 1) - j;
                if (t >= L) continue;
                const float *g = dy + (b * L + t) * C, *tap = wt + j * C;
                for (long c = 0; c < C; c++) out[c] += tap[c] * g[c];
            }
        }
    }
}

// partial[chunk] = [K taps x C | bias C] summed over the chunk's `per` of the B*L rows.
CK_VECTORISED static void parameter_gradient_team(const float *x, const float *dy, float *partial, long rows,
                                                  long per, long L, long C, long K) {
    const long stride = (K + 1) * C;
#pragma omp for schedule(static)
    for (long chunk = 0; chunk < REDUCE_CHUNKS; chunk++) {
        float *acc = partial + chunk * stride;
        long end = (chunk + 1) * per < rows ? (chunk + 1) * per : rows;
        for (long r = chunk * per; r < end; r++) {
            long t = r % L;
            const float *g = dy + r * C;
            for (long j = 0; j < K; j++) {
                long src = t - (K - 1) + j;
                if (src < 0) continue;
                const float *in = x + (r - t + src) * C;
                float *a = acc + j * C;
                for (long c = 0; c < C; c++) a[c] += g[c] * in[c];
            }
            float *ab = acc + K * C;
            for (long c = 0; c < C; c++) ab[c] += g[c];
        }
    }
}

int ck_causal_dwconv1d_backward(const float *x, const float *w, const float *dy,
                                float *dx, float *dw, float *dbias, long B, long L, long C, long K) {
    if (dx) {
        float *wt = depthwise_taps_by_row(w, C, K);
        if (!wt) return -1;
#pragma omp parallel
        input_gradient_team(dy, wt, dx, B, L, C, K);
        free(wt);
    }
    if (!dw && !dbias) return 0;
    long rows = B * L, per = (rows + REDUCE_CHUNKS - 1) / REDUCE_CHUNKS, stride = (K + 1) * C;
    float *partial = calloc((size_t)(REDUCE_CHUNKS * stride), sizeof(float));
    if (!partial) return -1;
#pragma omp parallel
    parameter_gradient_team(x, dy, partial, rows, per, L, C, K);
    depthwise_sum_chunks(partial, C, K, dw, dbias);
    free(partial);
    return 0;
}
