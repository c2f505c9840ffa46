// Strided binary ops (broadcast, transpose, flip), the unary ops and their gradients against libm in
// double, the middle-axis sum on each of its paths, row maxima with NaN, and (log-)softmax both ways.
#include "reference.h"
#include "ck_elementwise.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void check_strided(void) {
    // out[i, j, k] = a[i, j, k] op b[0, j, 0] over [2, 3, 4]; then a transposed copy and a flipped one.
    const long dims[3] = {2, 3, 4}, a_strides[3] = {12, 4, 1}, b_strides[3] = {0, 1, 0}, out_strides[3] = {12, 4, 1};
    ref_rng r = {3};
    float a[24], b[3], out[24];
    double want[24];
    ref_fill(a, 24, -1, 1, &r);
    ref_fill(b, 3, 0.5, 2, &r);
    const int ops[4] = {CK_ADD, CK_SUB, CK_MUL, CK_DIV};
    const char *names[4] = {"elementwise/broadcast add", "elementwise/broadcast sub", "elementwise/broadcast mul",
                            "elementwise/broadcast div"};
    for (int o = 0; o < 4; o++) {
        for (int i = 0; i < 24; i++) {
            double x = a[i], y = b[i / 4 % 3];
            want[i] = ops[o] == CK_ADD ? x + y : ops[o] == CK_SUB ? x - y : ops[o] == CK_MUL ? x * y : x / y;
        }
        ck_strided_binary(ops[o], 3, dims, a, a_strides, b, b_strides, out, out_strides);
        ref_expect_close(names[o], out, want, 24, 0, 1e-7);
    }
    // out [4, 3, 2] = a's axes reversed: index (k, j, i) reads a[i, j, k].
    const long t_dims[3] = {4, 3, 2}, t_strides[3] = {1, 4, 12}, t_out[3] = {6, 2, 1};
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 2; i++) want[k * 6 + j * 2 + i] = a[i * 12 + j * 4 + k];
    ck_strided_binary(CK_COPY, 3, t_dims, a, t_strides, NULL, NULL, out, t_out);
    ref_expect_close("elementwise/transposed copy", out, want, 24, 0, 0);
    // The last axis flipped: a negative stride from the row's last element.
    const long f_dims[2] = {6, 4}, f_strides[2] = {4, -1}, f_out[2] = {4, 1};
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 4; k++) want[i * 4 + k] = a[i * 4 + 3 - k];
    ck_strided_binary(CK_COPY, 2, f_dims, a + 3, f_strides, NULL, NULL, out, f_out);
    ref_expect_close("elementwise/flipped copy", out, want, 24, 0, 0);
}

static double gelu(double v) { return 0.5 * v * (1 + erf(v / sqrt(2))); }
static double sigmoid(double v) { return 1 / (1 + exp(-v)); }

// f(v) and f'(v) of each unary op in double; p0 and p1 as in ck_unary.
static double unary(int op, double v, double p0, double p1, double *derivative) {
    switch (op) {
    case CK_EXP: *derivative = exp(v); return exp(v);
    case CK_LOG: *derivative = 1 / v; return log(v);
    case CK_SQRT: *derivative = 0.5 / sqrt(v); return sqrt(v);
    case CK_ABS: *derivative = v > 0 ? 1 : v < 0 ? -1 : 0; return fabs(v);
    case CK_POW: *derivative = p0 * pow(v, p0 - 1); return pow(v, p0);
    case CK_CLAMP: *derivative = v >= p0 && v <= p1; return fmin(fmax(v, p0), p1);
    case CK_SQUARE: *derivative = 2 * v; return v * v;
    case CK_RELU: *derivative = v > 0; return v > 0 ? v : 0;
    case CK_GELU: *derivative = 0.5 * (1 + erf(v / sqrt(2))) + v * exp(-0.5 * v * v) / sqrt(2 * M_PI); return gelu(v);
    case CK_SILU: *derivative = sigmoid(v) * (1 + v * (1 - sigmoid(v))); return v * sigmoid(v);
    case CK_SIGMOID: *derivative = sigmoid(v) * (1 - sigmoid(v)); return sigmoid(v);
    case CK_SOFTPLUS: *derivative = v > 20 ? 1 : sigmoid(v); return v > 20 ? v : log1p(exp(v));
    default: *derivative = 1 - tanh(v) * tanh(v); return tanh(v);
    }
}

static void check_unary(void) {
    const long n = 40000;  // above CK_PARALLEL_MIN: the team splits the loop
    static const char *names[13] = {"exp", "log", "sqrt", "abs", "pow", "clamp", "square", "relu", "gelu", "silu",
                                    "sigmoid", "softplus", "tanh"};
    ref_rng r = {5};
    float *x = ref_floats(n), *y = ref_floats(n), *g = ref_floats(n), *gx = ref_floats(n);
    double *want = ref_doubles(n), *want_gx = ref_doubles(n);
    ref_fill(g, n, -1, 1, &r);
    for (int op = CK_EXP; op <= CK_TANH; op++) {
        const int positive = op == CK_LOG || op == CK_SQRT || op == CK_POW;
        const float p0 = op == CK_POW ? 1.7f : -0.5f, p1 = 0.7f;
        ref_fill(x, n, positive ? 0.05 : -25, positive ? 30 : 25, &r);
        x[0] = 0.25f;  // exact values in range of every op
        for (long i = 0; i < n; i++) {
            double d;
            want[i] = unary(op, x[i], p0, p1, &d);
            want_gx[i] = g[i] * d;
        }
        char label[64];
        ck_unary(op, x, y, n, p0, p1);
        snprintf(label, sizeof label, "elementwise/%s", names[op]);
        ref_expect_close(label, y, want, n, 1e-6, 2e-6);
        ck_unary_backward(op, x, y, g, gx, n, p0, p1);
        snprintf(label, sizeof label, "elementwise/%s backward", names[op]);
        ref_expect_close(label, gx, want_gx, n, 1e-6, 1e-5);
    }
    free(x); free(y); free(g); free(gx); free(want); free(want_gx);
}

static void check_sum(const char *name, long outer, long r, long inner) {
    ref_rng rng = {(uint64_t)(outer * 7 + r + inner)};
    float *x = ref_floats(outer * r * inner), *out = ref_floats(outer * inner);
    double *want = ref_doubles(outer * inner);
    ref_fill(x, outer * r * inner, -1, 1, &rng);
    for (long o = 0; o < outer; o++)
        for (long k = 0; k < r; k++)
            for (long i = 0; i < inner; i++) want[o * inner + i] += 0.5 * x[(o * r + k) * inner + i];
    ck_sum_middle(x, out, outer, r, inner, 0.5f);
    ref_expect_close(name, out, want, outer * inner, 1e-6, 1e-6);
    free(x); free(out); free(want);
}

static void check_max_rows(void) {
    float x[12] = {1, 3, 3, -1, /* ties keep the first */ -2, NAN, 5, 0, /* NaN wins */ -7, -6, -6.5f, -8};
    float out[3];
    long argmax[3];
    ck_max_rows(x, out, argmax, 3, 4);
    ref_expect("elementwise/max rows", out[0] == 3 && argmax[0] == 1 && isnan(out[1]) && argmax[1] == 1 &&
               out[2] == -6 && argmax[2] == 1, "wrong maximum or index");
}

static void check_softmax(long inner, int log_on) {
    const long outer = 3, r = 10, n = outer * r * inner;
    ref_rng rng = {(uint64_t)(inner * 2 + log_on)};
    float *x = ref_floats(n), *y = ref_floats(n), *g = ref_floats(n), *gx = ref_floats(n);
    double *want = ref_doubles(n), *want_gx = ref_doubles(n);
    ref_fill(x, n, -5, 5, &rng);
    ref_fill(g, n, -1, 1, &rng);
    for (long o = 0; o < outer; o++)
        for (long i = 0; i < inner; i++) {
            double sum = 0, dot = 0, gsum = 0;
            for (long k = 0; k < r; k++) sum += exp(x[(o * r + k) * inner + i]);
            for (long k = 0; k < r; k++) {
                long at = (o * r + k) * inner + i;
                double p = exp(x[at]) / sum;
                want[at] = log_on ? log(p) : p;
                dot += g[at] * p;
                gsum += g[at];
            }
            for (long k = 0; k < r; k++) {
                long at = (o * r + k) * inner + i;
                double p = exp(x[at]) / sum;
                want_gx[at] = log_on ? g[at] - p * gsum : p * (g[at] - dot);
            }
        }
    char label[64];
    ck_softmax(x, y, outer, r, inner, log_on);
    snprintf(label, sizeof label, "elementwise/%s, inner %ld", log_on ? "log-softmax" : "softmax", inner);
    ref_expect_close(label, y, want, n, 1e-6, 1e-5);
    ck_softmax_backward(y, g, gx, outer, r, inner, log_on);
    snprintf(label, sizeof label, "elementwise/%s backward, inner %ld", log_on ? "log-softmax" : "softmax", inner);
    ref_expect_close(label, gx, want_gx, n, 1e-6, 1e-5);
    free(x); free(y); free(g); free(gx); free(want); free(want_gx);
}

void test_elementwise(void) {
    check_strided();
    check_unary();
    check_sum("elementwise/sum, many outputs", 3, 5, 2000);
    check_sum("elementwise/sum, many rows", 5000, 7, 1);
    check_sum("elementwise/sum, one long row", 2, 70000, 1);
    check_sum("elementwise/sum, few outputs", 1, 3000, 30);
    check_max_rows();
    for (int log_on = 0; log_on <= 1; log_on++) {
        check_softmax(1, log_on);
        check_softmax(4, log_on);
    }
}
