// GroupNorm (alone and fused with SiLU) and LayerNorm, forward and backward, against the textbook
// formulas in double: xhat = (x - mean) rstd, dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
#include "reference.h"
#include "ck_norm.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double sigmoid(double v) { return 1 / (1 + exp(-v)); }

// Normalises `groups` runs of m values each (x[g*m .. g*m + m)) with per-value scale and shift
// (index of value i of run g: feature(g, i)); with silu the output is v sigmoid(v). Fills y, mean, rstd
// and, given dy, dx and the per-feature sums dw, db (zeroed by the caller).
typedef long (*feature_of)(long run, long i, long m, long a, long b);

static void normalise(const float *x, const float *w, const float *bias, long runs, long m, feature_of feature,
                      long a, long b, float eps, int silu, const float *dy, double *y, double *mean, double *rstd,
                      double *dx, double *dw, double *db) {
    for (long g = 0; g < runs; g++) {
        const float *in = x + g * m;
        double mu = 0, var = 0, s1 = 0, s2 = 0;
        for (long i = 0; i < m; i++) mu += in[i];
        mu /= m;
        for (long i = 0; i < m; i++) var += (in[i] - mu) * (in[i] - mu);
        double r = 1 / sqrt(var / m + eps);
        mean[g] = mu;
        rstd[g] = r;
        double *dxhat = ref_doubles(m);
        for (long i = 0; i < m; i++) {
            long f = feature(g, i, m, a, b);
            double xhat = (in[i] - mu) * r, v = xhat * (w ? w[f] : 1) + (bias ? bias[f] : 0);
            y[g * m + i] = silu ? v * sigmoid(v) : v;
            double d = dy[g * m + i];
            if (silu) d *= sigmoid(v) * (1 + v * (1 - sigmoid(v)));
            dxhat[i] = d * (w ? w[f] : 1);
            dw[f] += d * xhat;
            db[f] += d;
            s1 += dxhat[i];
            s2 += dxhat[i] * xhat;
        }
        for (long i = 0; i < m; i++) dx[g * m + i] = r * (dxhat[i] - s1 / m - (in[i] - mu) * r * s2 / m);
        free(dxhat);
    }
}

// GroupNorm: run (n, g) holds channels g*C/G .. of sample n, HW values each; LayerNorm: row r, feature i.
static long group_channel(long run, long i, long m, long G, long HW) { (void)m; return run % G * (m / HW) + i / HW; }
static long row_feature(long run, long i, long m, long a, long b) { (void)run; (void)m; (void)a; (void)b; return i; }

static void check_group(int silu, int affine) {
    const long N = 2, C = 6, HW = 10, G = 3, M = C / G * HW, total = N * C * HW;
    const float eps = 1e-5f;
    ref_rng r = {(uint64_t)(31 + silu * 2 + affine)};
    float *x = ref_floats(total), *w = ref_floats(C), *b = ref_floats(C), *y = ref_floats(total), *dy = ref_floats(total);
    float *mean = ref_floats(N * G), *rstd = ref_floats(N * G), *dx = ref_floats(total), *dw = ref_floats(C), *db = ref_floats(C);
    double *want = ref_doubles(total), *want_mean = ref_doubles(N * G), *want_rstd = ref_doubles(N * G);
    double *want_dx = ref_doubles(total), *want_dw = ref_doubles(C), *want_db = ref_doubles(C);
    ref_fill(x, total, -2, 3, &r);
    ref_fill(w, C, 0.5, 1.5, &r);
    ref_fill(b, C, -0.5, 0.5, &r);
    ref_fill(dy, total, -1, 1, &r);
    const float *wp = affine ? w : NULL, *bp = affine ? b : NULL;
    normalise(x, wp, bp, N * G, M, group_channel, G, HW, eps, silu, dy, want, want_mean, want_rstd, want_dx, want_dw, want_db);
    if (silu) ck_groupnorm_silu_forward(x, wp, bp, y, mean, rstd, N, C, HW, G, eps);
    else ck_groupnorm_forward(x, wp, bp, y, mean, rstd, N, C, HW, G, eps);
    if (silu) ck_groupnorm_silu_backward(x, wp, bp, mean, rstd, dy, dx, dw, db, N, C, HW, G);
    else ck_groupnorm_backward(x, wp, mean, rstd, dy, dx, dw, db, N, C, HW, G);
    char label[96];
    const char *kind = silu ? "groupnorm+silu" : "groupnorm";
    const char *with = affine ? "affine" : "no affine";
    snprintf(label, sizeof label, "norm/%s %s forward", kind, with);
    ref_expect_close(label, y, want, total, 1e-5, 1e-5);
    snprintf(label, sizeof label, "norm/%s %s mean", kind, with);
    ref_expect_close(label, mean, want_mean, N * G, 1e-6, 1e-6);
    snprintf(label, sizeof label, "norm/%s %s rstd", kind, with);
    ref_expect_close(label, rstd, want_rstd, N * G, 0, 1e-5);
    snprintf(label, sizeof label, "norm/%s %s dx", kind, with);
    ref_expect_close(label, dx, want_dx, total, 1e-5, 1e-4);
    snprintf(label, sizeof label, "norm/%s %s dw", kind, with);
    ref_expect_close(label, dw, want_dw, C, 1e-5, 1e-4);
    snprintf(label, sizeof label, "norm/%s %s db", kind, with);
    ref_expect_close(label, db, want_db, C, 1e-5, 1e-4);
    free(x); free(w); free(b); free(y); free(dy); free(mean); free(rstd); free(dx); free(dw); free(db);
    free(want); free(want_mean); free(want_rstd); free(want_dx); free(want_dw); free(want_db);
}

static void check_layer(int affine) {
    const long R = 7, D = 33, total = R * D;
    const float eps = 1e-5f;
    ref_rng r = {(uint64_t)(41 + affine)};
    float *x = ref_floats(total), *w = ref_floats(D), *b = ref_floats(D), *y = ref_floats(total), *dy = ref_floats(total);
    float *mean = ref_floats(R), *rstd = ref_floats(R), *dx = ref_floats(total), *dw = ref_floats(D), *db = ref_floats(D);
    double *want = ref_doubles(total), *want_mean = ref_doubles(R), *want_rstd = ref_doubles(R);
    double *want_dx = ref_doubles(total), *want_dw = ref_doubles(D), *want_db = ref_doubles(D);
    ref_fill(x, total, -2, 3, &r);
    ref_fill(w, D, 0.5, 1.5, &r);
    ref_fill(b, D, -0.5, 0.5, &r);
    ref_fill(dy, total, -1, 1, &r);
    const float *wp = affine ? w : NULL, *bp = affine ? b : NULL;
    normalise(x, wp, bp, R, D, row_feature, 0, 0, eps, 0, dy, want, want_mean, want_rstd, want_dx, want_dw, want_db);
    ck_layernorm_forward(x, wp, bp, y, mean, rstd, R, D, eps);
    ck_layernorm_backward(x, wp, mean, rstd, dy, dx, dw, db, R, D);
    ref_expect_close(affine ? "norm/layernorm affine forward" : "norm/layernorm forward", y, want, total, 1e-5, 1e-5);
    ref_expect_close(affine ? "norm/layernorm affine dx" : "norm/layernorm dx", dx, want_dx, total, 1e-5, 1e-4);
    ref_expect_close(affine ? "norm/layernorm affine dw" : "norm/layernorm dw", dw, want_dw, D, 1e-5, 1e-4);
    ref_expect_close(affine ? "norm/layernorm affine db" : "norm/layernorm db", db, want_db, D, 1e-5, 1e-4);
    free(x); free(w); free(b); free(y); free(dy); free(mean); free(rstd); free(dx); free(dw); free(db);
    free(want); free(want_mean); free(want_rstd); free(want_dx); free(want_dw); free(want_db);
}

void test_norm(void) {
    for (int silu = 0; silu <= 1; silu++)
        for (int affine = 0; affine <= 1; affine++) check_group(silu, affine);
    check_layer(1);
    check_layer(0);
}
