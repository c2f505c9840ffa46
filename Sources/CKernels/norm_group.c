// Group normalisation (Wu & He, "Group Normalization", ECCV 2018), PyTorch semantics: biased
// variance over each (sample, group) of C/G channels times HW pixels, then a per-channel affine map.
#include <math.h>
#include <stdlib.h>
#include "ck_norm.h"
#include "lane_sums.h"

void ck_groupnorm_forward(const float *x, const float *w, const float *b, float *y,
                          float *mean, float *rstd, long N, long C, long HW, long G, float eps) {
    long CG = C / G, M = CG * HW;
#pragma omp parallel for collapse(2) schedule(static)
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
                for (long i = 0; i < HW; i++) op[i] = ip[i] * scale + shift;
            }
        }
    }
}

void ck_groupnorm_backward(const float *x, const float *w, const float *mean, const float *rstd,
                           const float *dy, float *dx, float *dw, float *db,
                           long N, long C, long HW, long G) {
    long CG = C / G, M = CG * HW;
    // Per (n, c): sum dy*xhat and sum dy, for both dx and the parameter gradients.
    double *dyxhat = malloc((size_t)(N * C) * sizeof(double));
    double *dysum = malloc((size_t)(N * C) * sizeof(double));
#pragma omp parallel for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long g = 0; g < G; g++) {
            float m = mean[n * G + g], r = rstd[n * G + g];
            double a = 0, s = 0;  // group sums of dxhat*xhat and dxhat, with dxhat = dy*w[c]
            for (long cc = 0; cc < CG; cc++) {
                long c = g * CG + cc;
                const float *ip = x + (n * C + c) * HW, *gp = dy + (n * C + c) * HW;
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
                const float *ip = x + (n * C + c) * HW, *gp = dy + (n * C + c) * HW;
                float *op = dx + (n * C + c) * HW;
                for (long i = 0; i < HW; i++) {
                    float xhat = (ip[i] - m) * r;
                    op[i] = r * (gp[i] * wc - meanDxhat - xhat * meanDxhatXhat);
                }
            }
        }
    }
    for (long c = 0; c < C; c++) {
        double tw = 0, tb = 0;
        for (long n = 0; n < N; n++) { tw += dyxhat[n * C + c]; tb += dysum[n * C + c]; }
        if (dw) dw[c] = (float)tw;
        if (db) db[c] = (float)tb;
    }
    free(dyxhat);
    free(dysum);
}
