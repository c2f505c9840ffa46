// Layer normalisation over the last axis (Ba, Kiros & Hinton, "Layer Normalization", 2016),
// PyTorch semantics: biased variance per row, then a per-feature affine map.
#include <math.h>
#include <stdlib.h>
#include "ck_norm.h"
#include "lane_sums.h"
#include "parallel.h"

// Rows are split into this many chunks for the parameter gradients whatever the thread count, and
// the chunk sums are added in order, so results do not depend on scheduling.
enum { REDUCE_CHUNKS = 64 };

CK_VECTORISED static void forward_team(const float *x, const float *w, const float *b, float *y,
                                       float *mean, float *rstd, long R, long D, float eps) {
#pragma omp for schedule(static)
    for (long r = 0; r < R; r++) {
        const float *in = x + r * D;
        double mu = lane_sum(in, D) / D, sq = norm_squared_deviation(in, D, mu);
        float m = (float)mu, s = (float)(1.0 / sqrt(sq / D + eps));
        mean[r] = m;
        rstd[r] = s;
        float *out = y + r * D;
        for (long i = 0; i < D; i++) out[i] = (in[i] - m) * s * (w ? w[i] : 1.0f) + (b ? b[i] : 0.0f);
    }
}

void ck_layernorm_forward(const float *x, const float *w, const float *b, float *y,
                          float *mean, float *rstd, long R, long D, float eps) {
#pragma omp parallel
    forward_team(x, w, b, y, mean, rstd, R, D, eps);
}

CK_VECTORISED static void input_gradient_team(const float *x, const float *w, const float *mean, const float *rstd,
                                              const float *dy, float *dx, long R, long D) {
#pragma omp for schedule(static)
    for (long r = 0; r < R; r++) {
        const float *in = x + r * D, *g = dy + r * D;
        float m = mean[r], s = rstd[r];
        double a, t;  // sums of dxhat*xhat and dxhat, with dxhat = dy*w
        norm_backward_sums(g, w, in, m, s, D, &a, &t);
        float meanDxhat = (float)(t / D), meanDxhatXhat = (float)(a / D);
        float *out = dx + r * D;
        for (long i = 0; i < D; i++) {
            float xhat = (in[i] - m) * s;
            out[i] = s * (g[i] * (w ? w[i] : 1.0f) - meanDxhat - xhat * meanDxhatXhat);
        }
    }
}

// partial[chunk] = [dw D | db D] summed over the chunk's `per` rows.
CK_VECTORISED static void parameter_gradient_team(const float *x, const float *mean, const float *rstd,
                                                  const float *dy, float *partial, long per, long R, long D) {
#pragma omp for schedule(static)
    for (long chunk = 0; chunk < REDUCE_CHUNKS; chunk++) {
        float *pw = partial + chunk * 2 * D, *pb = pw + D;
        long end = (chunk + 1) * per < R ? (chunk + 1) * per : R;
        for (long r = chunk * per; r < end; r++) {
            const float *in = x + r * D, *g = dy + r * D;
            float m = mean[r], s = rstd[r];
            for (long i = 0; i < D; i++) { pw[i] += g[i] * ((in[i] - m) * s); pb[i] += g[i]; }
        }
    }
}

int ck_layernorm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                          const float *dy, float *dx, float *dw, float *db, long R, long D) {
    if (dx) {
#pragma omp parallel
        input_gradient_team(x, w, mean, rstd, dy, dx, R, D);
    }
    if (!dw && !db) return 0;
    long per = (R + REDUCE_CHUNKS - 1) / REDUCE_CHUNKS;
    float *partial = calloc((size_t)(REDUCE_CHUNKS * 2 * D), sizeof(float));
    if (!partial) return -1;
#pragma omp parallel
    parameter_gradient_team(x, mean, rstd, dy, partial, per, R, D);
    for (long i = 0; i < D; i++) {
        float tw = 0, tb = 0;
        for (long chunk = 0; chunk < REDUCE_CHUNKS; chunk++) {
            tw += partial[chunk * 2 * D + i];
            tb += partial[chunk * 2 * D + D + i];
        }
        if (dw) dw[i] = tw;
        if (db) db[i] = tb;
    }
    free(partial);
    return 0;
}
