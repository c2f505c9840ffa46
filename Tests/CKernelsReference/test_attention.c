// Attention forward and backward against a plain double-precision reference: softmax and sigmoid
// weighting, with and without a mask, on shapes that stay on the calling thread and shapes that the
// team splits by (sample, head) pair.
#include "reference.h"
#include "ck_attention.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

// A band mask: query i sees keys j with |i - j| <= 1.
static void band_mask(float *mask, int L) {
    for (int i = 0; i < L; i++)
        for (int j = 0; j < L; j++) mask[i * L + j] = abs(i - j) <= 1 ? 0.0f : -INFINITY;
}

// Reference forward (weights w, out) and backward (d_qkv) in double, straight from the definitions:
// s = scale·q·kᵀ + mask; w = softmax(s) or σ(s − shift); out = w·v; ds from dw = dout·vᵀ.
static void reference(const float *qkv, const float *mask, const float *d_out, double *w, double *out, double *d_qkv,
                      int B, int L, int H, int Dh, double scale, int sigmoid, double shift) {
    const int D = H * Dh;
    double *dw = ref_doubles((size_t)L * L);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            const float *x = qkv + (size_t)b * L * 3 * D + h * Dh;
            double *wp = w + ((size_t)b * H + h) * L * L;
#define Q(i, c) ((double)x[(size_t)(i) * 3 * D + (c)])
#define K(i, c) ((double)x[(size_t)(i) * 3 * D + D + (c)])
#define V(i, c) ((double)x[(size_t)(i) * 3 * D + 2 * D + (c)])
#define G(i, c) ((double)d_out[((size_t)b * L + (i)) * D + h * Dh + (c)])
#define DQKV(i, c) d_qkv[((size_t)b * L + (i)) * 3 * D + h * Dh + (c)]
            for (int i = 0; i < L; i++) {
                double top = -INFINITY, sum = 0;
                for (int j = 0; j < L; j++) {
                    double s = 0;
                    for (int c = 0; c < Dh; c++) s += Q(i, c) * K(j, c);
                    wp[i * L + j] = scale * s + (mask ? mask[i * L + j] : 0);
                    top = fmax(top, wp[i * L + j]);
                }
                for (int j = 0; j < L; j++) {
                    double s = wp[i * L + j];
                    wp[i * L + j] = sigmoid ? 1 / (1 + exp(shift - s)) : exp(s - top);
                    sum += wp[i * L + j];
                }
                if (!sigmoid)
                    for (int j = 0; j < L; j++) wp[i * L + j] /= sum;
                for (int c = 0; c < Dh; c++) {
                    double o = 0;
                    for (int j = 0; j < L; j++) o += wp[i * L + j] * V(j, c);
                    out[((size_t)b * L + i) * D + h * Dh + c] = o;
                }
            }
            for (int i = 0; i < L; i++) {
                double dot = 0;
                for (int j = 0; j < L; j++) {
                    double g = 0;
                    for (int c = 0; c < Dh; c++) g += G(i, c) * V(j, c);
                    dw[i * L + j] = g;
                    dot += g * wp[i * L + j];
                }
                for (int j = 0; j < L; j++) {
                    double p = wp[i * L + j];
                    dw[i * L + j] = sigmoid ? dw[i * L + j] * p * (1 - p) : p * (dw[i * L + j] - dot);
                }
            }
            for (int i = 0; i < L; i++)
                for (int c = 0; c < Dh; c++) {
                    double dq = 0, dk = 0, dv = 0;
                    for (int j = 0; j < L; j++) {
                        dq += dw[i * L + j] * K(j, c);
                        dk += dw[j * L + i] * Q(j, c);
                        dv += wp[j * L + i] * G(j, c);
                    }
                    DQKV(i, c) = scale * dq;
                    DQKV(i, D + c) = scale * dk;
                    DQKV(i, 2 * D + c) = dv;
                }
#undef Q
#undef K
#undef V
#undef G
#undef DQKV
        }
    free(dw);
}

static void check(const char *name, int B, int L, int H, int Dh, int masked, int sigmoid) {
    const int D = H * Dh;
    const size_t n_qkv = (size_t)B * L * 3 * D, n_out = (size_t)B * L * D, n_w = (size_t)B * H * L * L;
    ref_rng r = {17};
    float *qkv = ref_floats(n_qkv), *d_out = ref_floats(n_out), *mask = masked ? ref_floats((size_t)L * L) : NULL;
    float *w = ref_floats(n_w), *out = ref_floats(n_out), *d_qkv = ref_floats(n_qkv);
    double *want_w = ref_doubles(n_w), *want_out = ref_doubles(n_out), *want_d = ref_doubles(n_qkv);
    ref_fill(qkv, n_qkv, -1.5, 1.5, &r);
    ref_fill(d_out, n_out, -1, 1, &r);
    ref_fill(d_qkv, n_qkv, 7, 8, &r);  // overwritten, not added to
    if (masked) band_mask(mask, L);
    const double scale = 1 / sqrt((double)Dh), shift = sigmoid ? log(masked ? 3.0 : L) : 0;
    reference(qkv, mask, d_out, want_w, want_out, want_d, B, L, H, Dh, scale, sigmoid, shift);
    ck_attention_forward(qkv, mask, w, out, B, L, H, Dh, (float)scale, sigmoid, (float)shift);
    char label[128];
    snprintf(label, sizeof label, "%s: weights", name);
    ref_expect_close(label, w, want_w, n_w, 1e-6, 1e-5);
    snprintf(label, sizeof label, "%s: output", name);
    ref_expect_close(label, out, want_out, n_out, 1e-6, 1e-5);
    snprintf(label, sizeof label, "%s: backward's scratch", name);
    ref_expect(label, ck_attention_backward(qkv, w, d_out, d_qkv, B, L, H, Dh, (float)scale, sigmoid) == 0,
               "allocation failed");
    snprintf(label, sizeof label, "%s: gradient of qkv", name);
    ref_expect_close(label, d_qkv, want_d, n_qkv, 1e-5, 1e-4);
    free(qkv); free(d_out); free(mask); free(w); free(out); free(d_qkv);
    free(want_w); free(want_out); free(want_d);
}

void test_attention(void) {
    check("attention/softmax, serial", 2, 5, 2, 3, 0, 0);
    check("attention/softmax, band mask, serial", 2, 6, 3, 4, 1, 0);
    check("attention/sigmoid, band mask, serial", 1, 7, 2, 3, 1, 1);
    check("attention/softmax, team of pairs", 3, 40, 3, 16, 0, 0);
    check("attention/sigmoid, team of pairs", 3, 40, 3, 16, 0, 1);
    check("attention/softmax, band mask, team of pairs", 2, 48, 3, 24, 1, 0);
}
