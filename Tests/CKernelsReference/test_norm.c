// GroupNorm (alone and fused with SiLU) and LayerNorm, forward and backward, against the textbook
// formulas in double: xhat = (x - mean) rstd, dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
#include "reference.h"
#include "ck_norm.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double sigmoid(double v) { return 1 / (1 + exp(-v)); }

// Normalises `runs` runs of m values each (x[g*m .. g*m + m)) with per-feature scale and shift; value i
// of run g has feature (g % G) * (m / HW) + i / HW: with G groups of HW-pixel planes GroupNorm's channel,
// with G = HW = 1 LayerNorm's feature i. With silu the output is v sigmoid(v). Fills y, mean, rstd and,
// given dy, dx and the per-feature sums dw, db (zeroed by the caller).
static void normalise(const float *x, const float *w, const float *bias, long runs, long m, long G, long HW,
                      float eps, int silu, const float *dy, double *y, double *mean, double *rstd, double *dx,
                      double *dw, double *db) {
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
            long f = g % G * (m / HW) + i / HW;
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

// One normalisation problem: inputs, the kernels' outputs and the reference's, for `total` values,
// `features` affine parameters and `stats` (mean, rstd) pairs.
typedef struct {
    long total, features, stats;
    float *x, *w, *b, *dy, *y, *mean, *rstd, *dx, *dw, *db;
    double *want, *want_mean, *want_rstd, *want_dx, *want_dw, *want_db;
} norm_case;

static norm_case make_case(long total, long features, long stats, uint64_t seed) {
    ref_rng r = {seed};
    norm_case c = {total, features, stats, ref_floats(total), ref_floats(features), ref_floats(features),
                   ref_floats(total), ref_floats(total), ref_floats(stats), ref_floats(stats), ref_floats(total),
                   ref_floats(features), ref_floats(features), ref_doubles(total), ref_doubles(stats),
                   ref_doubles(stats), ref_doubles(total), ref_doubles(features), ref_doubles(features)};
    ref_fill(c.x, total, -2, 3, &r);
    ref_fill(c.w, features, 0.5, 1.5, &r);
    ref_fill(c.b, features, -0.5, 0.5, &r);
    ref_fill(c.dy, total, -1, 1, &r);
    return c;
}

static void expect_case(const char *name, const norm_case *c) {
    static const char *what[6] = {"forward", "mean", "rstd", "dx", "dw", "db"};
    const float *got[6] = {c->y, c->mean, c->rstd, c->dx, c->dw, c->db};
    const double *want[6] = {c->want, c->want_mean, c->want_rstd, c->want_dx, c->want_dw, c->want_db};
    const long n[6] = {c->total, c->stats, c->stats, c->total, c->features, c->features};
    const double atol[6] = {1e-5, 1e-6, 0, 1e-5, 1e-5, 1e-5}, rtol[6] = {1e-5, 1e-6, 1e-5, 1e-4, 1e-4, 1e-4};
    for (int k = 0; k < 6; k++) {
        char label[96];
        snprintf(label, sizeof label, "norm/%s %s", name, what[k]);
        ref_expect_close(label, got[k], want[k], n[k], atol[k], rtol[k]);
    }
}

static void free_case(norm_case *c) {
    free(c->x); free(c->w); free(c->b); free(c->dy); free(c->y); free(c->mean); free(c->rstd); free(c->dx);
    free(c->dw); free(c->db); free(c->want); free(c->want_mean); free(c->want_rstd); free(c->want_dx);
    free(c->want_dw); free(c->want_db);
}

static void check_group(int silu, int affine) {
    const long N = 2, C = 6, HW = 10, G = 3, M = C / G * HW;
    const float eps = 1e-5f;
    norm_case c = make_case(N * C * HW, C, N * G, (uint64_t)(31 + silu * 2 + affine));
    const float *w = affine ? c.w : NULL, *b = affine ? c.b : NULL;
    normalise(c.x, w, b, N * G, M, G, HW, eps, silu, c.dy, c.want, c.want_mean, c.want_rstd, c.want_dx,
              c.want_dw, c.want_db);
    if (silu) {
        ck_groupnorm_silu_forward(c.x, w, b, c.y, c.mean, c.rstd, N, C, HW, G, eps);
        ck_groupnorm_silu_backward(c.x, w, b, c.mean, c.rstd, c.dy, c.dx, c.dw, c.db, N, C, HW, G);
    } else {
        ck_groupnorm_forward(c.x, w, b, c.y, c.mean, c.rstd, N, C, HW, G, eps);
        ck_groupnorm_backward(c.x, w, c.mean, c.rstd, c.dy, c.dx, c.dw, c.db, N, C, HW, G);
    }
    char name[64];
    snprintf(name, sizeof name, "%s%s", silu ? "groupnorm+silu" : "groupnorm", affine ? " affine" : "");
    expect_case(name, &c);
    free_case(&c);
}

static void check_layer(int affine) {
    const long R = 7, D = 33;
    const float eps = 1e-5f;
    norm_case c = make_case(R * D, D, R, (uint64_t)(41 + affine));
    const float *w = affine ? c.w : NULL, *b = affine ? c.b : NULL;
    normalise(c.x, w, b, R, D, 1, 1, eps, 0, c.dy, c.want, c.want_mean, c.want_rstd, c.want_dx, c.want_dw,
              c.want_db);
    ck_layernorm_forward(c.x, w, b, c.y, c.mean, c.rstd, R, D, eps);
    ck_layernorm_backward(c.x, w, c.mean, c.rstd, c.dy, c.dx, c.dw, c.db, R, D);
    expect_case(affine ? "layernorm affine" : "layernorm", &c);
    free_case(&c);
}

void test_norm(void) {
    for (int silu = 0; silu <= 1; silu++)
        for (int affine = 0; affine <= 1; affine++) check_group(silu, affine);
    check_layer(1);
    check_layer(0);
}
