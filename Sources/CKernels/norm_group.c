// Group normalisation (Wu & He, "Group Normalization", ECCV 2018), PyTorch semantics: biased
// variance over each (sample, group) of C/G channels times HW pixels, then a per-channel affine map;
// optionally followed by SiLU in the same pass (the activation after almost every GroupNorm of the
// zoo), with the same float arithmetic as the two ops one after the other.
#include <math.h>
#include <stdlib.h>
#include "ck_norm.h"
#include "elementwise_math.h"
#include "lane_sums.h"
#include "parallel.h"

static inline float silu(float v) { return v * ck_sigmoid(v); }
// As ck_unary and ck_unary_backward compute SiLU and its gradient d · SiLU'(v).
static inline float silu_backward(float d, float v) { return d * ck_sigmoid(v) * (1.0f + v * (1.0f - ck_sigmoid(v))); }

CK_VECTORISED static void forward_team(const float *x, const float *w, const float *b, float *y, float *mean,
                                       float *rstd, long N, long C, long HW, long G, float eps, int activated) {
    long CG = C / G, M = CG * HW;
#pragma omp for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long g = 0; g < G; g++) {
            const float *in = x + (n * C + g * CG) * HW;
            double mu = lane_sum(in, M) / M, sq = norm_squared_deviation(in, M, mu);
            float m = (float)mu, r = (float)(1.0 / sqrt(sq / M + eps));
            mean[n * G + g] = m;
            rstd[n * G + g] = r;
            float *out = y + (n * C + g * CG) * HW;
            for (long cc = 0; cc < CG; cc++) {
                long c = g * CG + cc;
                float scale = r * (w ? w[c] : 1.0f), shift = (b ? b[c] : 0.0f) - m * scale;
                const float *ip = in + cc * HW;
                float *op = out + cc * HW;
                if (activated) for (long i = 0; i < HW; i++) op[i] = silu(ip[i] * scale + shift);
                else for (long i = 0; i < HW; i++) op[i] = ip[i] * scale + shift;
            }
        }
    }
}

void ck_groupnorm_forward(const float *x, const float *w, const float *b, float *y,
                          float *mean, float *rstd, long N, long C, long HW, long G, float eps) {
#pragma omp parallel
    forward_team(x, w, b, y, mean, rstd, N, C, HW, G, eps, 0);
}

void ck_groupnorm_silu_forward(const float *x, const float *w, const float *b, float *y,
                               float *mean, float *rstd, long N, long C, long HW, long G, float eps) {
#pragma omp parallel
    forward_team(x, w, b, y, mean, rstd, N, C, HW, G, eps, 1);
}

// When activated, dy is the gradient after SiLU; each group's gradient before it, dy times
// SiLU' at the recomputed normalised values, is formed once in the thread's buffer `before` of M floats.
// dyxhat and dysum receive, per (n, c), the sums of dy*xhat and dy for dx and the parameter gradients.
CK_VECTORISED static void backward_team(const float *x, const float *w, const float *b, const float *mean,
                                        const float *rstd, const float *dy, float *dx, double *dyxhat, double *dysum,
                                        float *before, long N, long C, long HW, long G, int activated) {
    long CG = C / G, M = CG * HW;
#pragma omp for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long g = 0; g < G; g++) {
            float m = mean[n * G + g], r = rstd[n * G + g];
            const float *grad = dy + (n * C + g * CG) * HW;
            if (activated) {
                for (long cc = 0; cc < CG; cc++) {
                    long c = g * CG + cc;
                    float scale = r * (w ? w[c] : 1.0f), shift = (b ? b[c] : 0.0f) - m * scale;
                    const float *ip = x + (n * C + c) * HW, *gp = grad + cc * HW;
                    float *bp = before + cc * HW;
                    for (long i = 0; i < HW; i++) bp[i] = silu_backward(gp[i], ip[i] * scale + shift);
                }
                grad = before;
            }
            double a = 0, s = 0;  // group sums of dxhat*xhat and dxhat, with dxhat = dy*w[c]
            for (long cc = 0; cc < CG; cc++) {
                long c = g * CG + cc;
                const float *ip = x + (n * C + c) * HW, *gp = grad + cc * HW;
                double px, pd;
                norm_backward_sums(gp, NULL, ip, m, r, HW, &px, &pd);
                dyxhat[n * C + c] = px;
                dysum[n * C + c] = pd;
                double wc = w ? w[c] : 1.0;
                a += wc * px;
                s += wc * pd;
            }
            if (!dx) continue;
            float meanDxhat = (float)(s / M), meanDxhatXhat = (float)(a / M);
            for (long cc = 0; cc < CG; cc++) {
                long c = g * CG + cc;
                float wc = w ? w[c] : 1.0f;
                const float *ip = x + (n * C + c) * HW, *gp = grad + cc * HW;
                float *op = dx + (n * C + c) * HW;
                for (long i = 0; i < HW; i++) {
                    float xhat = (ip[i] - m) * r;
                    op[i] = r * (gp[i] * wc - meanDxhat - xhat * meanDxhatXhat);
                }
            }
        }
    }
}

// Returns -1 when memory for the sums or the per-thread buffers runs out.
static int groupnorm_backward(const float *x, const float *w, const float *b, const float *mean, const float *rstd,
                              const float *dy, float *dx, float *dw, float *db,
                              long N, long C, long HW, long G, int activated) {
    const long M = C / G * HW;
    const int threads = omp_get_max_threads();
    double *dyxhat = malloc((size_t)(N * C) * sizeof(double));
    double *dysum = malloc((size_t)(N * C) * sizeof(double));
    float *buffers = activated ? malloc((size_t)M * threads * sizeof(float)) : NULL;
    if (!dyxhat || !dysum || (activated && !buffers)) {
        free(dyxhat); free(dysum); free(buffers);
        return -1;
    }
#pragma omp parallel num_threads(threads)
    backward_team(x, w, b, mean, rstd, dy, dx, dyxhat, dysum, activated ? buffers + M * omp_get_thread_num() : NULL,
                  N, C, HW, G, activated);
    for (long c = 0; c < C; c++) {
        double tw = 0, tb = 0;
        for (long n = 0; n < N; n++) { tw += dyxhat[n * C + c]; tb += dysum[n * C + c]; }
        if (dw) dw[c] = (float)tw;
        if (db) db[c] = (float)tb;
    }
    free(dyxhat);
    free(dysum);
    free(buffers);
    return 0;
}

int ck_groupnorm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                          const float *dy, float *dx, float *dw, float *db,
                          long N, long C, long HW, long G) {
    return groupnorm_backward(x, w, NULL, mean, rstd, dy, dx, dw, db, N, C, HW, G, 0);
}

int ck_groupnorm_silu_backward(const float *x, const float *w, const float *b, const float *mean, const float *rstd,
                               const float *dy, float *dx, float *dw, float *db,
                               long N, long C, long HW, long G) {
    return groupnorm_backward(x, w, b, mean, rstd, dy, dx, dw, db, N, C, HW, G, 1);
}
