// Winograd F(2x2, 3x3): the banded forward pass must give the direct 3x3 'same' convolution (of x, or
// of x upsampled x2 by nearest neighbour) in one band and in bands of one and two tile rows, and the adjoint
// transforms with the transposed products its two gradients. Odd sizes cut the last blocks at the border.
#include "reference.h"
#include "ck_conv.h"
#include <stdio.h>
#include <stdlib.h>

// m[xi] = op(a[xi]) b[xi] for every position xi: a [X, M, Kd] (transposed: [X, Kd, M]), b [X, Kd, ld]
// and m [X, M, ld], of which the first n columns are used.
static void products(long X, long M, long n, long Kd, long ld, const float *a, int ta, const float *b, float *m) {
    for (long xi = 0; xi < X; xi++)
        for (long i = 0; i < M; i++)
            for (long j = 0; j < n; j++) {
                double s = 0;
                for (long p = 0; p < Kd; p++) {
                    double av = ta ? a[(xi * Kd + p) * M + i] : a[(xi * M + i) * Kd + p];
                    s += av * b[(xi * Kd + p) * ld + j];
                }
                m[(xi * M + i) * ld + j] = (float)s;
            }
}

static void check(long N, long C, long K, long H, long W, int up) {
    const long HO = up ? 2 * H : H, WO = up ? 2 * W : W, TH = (HO + 1) / 2, TW = (WO + 1) / 2, T = N * TH * TW;
    const long X = up ? 9 : 16, ld = T + 3;
    ref_rng r = {(uint64_t)(H * 10 + W + up)};
    float *x = ref_floats(N * C * H * W), *w = ref_floats(K * C * 9), *bias = ref_floats(K), *y = ref_floats(N * K * HO * WO);
    float *u = ref_floats(X * K * C), *v = ref_floats(X * C * ld);
    float *dy = ref_floats(N * K * HO * WO), *dm = ref_floats(X * K * ld), *du = ref_floats(X * K * C);
    float *dv = ref_floats(X * C * ld), *dx = ref_floats(N * C * H * W), *dw = ref_floats(K * C * 9);
    double *want = ref_doubles(N * K * HO * WO), *want_dx = ref_doubles(N * C * H * W), *want_dw = ref_doubles(K * C * 9);
    ref_fill(x, N * C * H * W, -1, 1, &r);
    ref_fill(w, K * C * 9, -1, 1, &r);
    ref_fill(bias, K, -1, 1, &r);
    ref_fill(dy, N * K * HO * WO, -1, 1, &r);
    // The direct convolution and its gradients; pixel (p, q) of the (upsampled) input is x[p >> up, q >> up].
    for (long n = 0; n < N; n++)
        for (long k = 0; k < K; k++)
            for (long oh = 0; oh < HO; oh++)
                for (long ow = 0; ow < WO; ow++) {
                    long o = ((n * K + k) * HO + oh) * WO + ow;
                    double s = bias[k];
                    for (long c = 0; c < C; c++)
                        for (long i = 0; i < 3; i++)
                            for (long j = 0; j < 3; j++) {
                                long p = oh - 1 + i, q = ow - 1 + j;
                                if (p < 0 || p >= HO || q < 0 || q >= WO) continue;
                                long at = ((n * C + c) * H + (p >> up)) * W + (q >> up), tap = (k * C + c) * 9 + i * 3 + j;
                                s += (double)w[tap] * x[at];
                                want_dx[at] += (double)w[tap] * dy[o];
                                want_dw[tap] += (double)x[at] * dy[o];
                            }
                    want[o] = s;
                }
    char label[96];
    const char *kind = up ? "upsampled" : "plain";
    ck_winograd_filter_forward(w, u, K, C, up);
    for (long rows = 0; rows <= 2; rows++) {  // 0: one band; 2 leaves a shorter last band when TH is odd
        ck_winograd_forward(x, u, bias, y, N, C, K, H, W, up, rows);
        snprintf(label, sizeof label, "winograd/%s %ldx%ld forward, rows = %ld", kind, H, W, rows);
        ref_expect_close(label, y, want, N * K * HO * WO, 1e-5, 1e-4);
    }

    ck_winograd_input_forward(x, v, N, C, H, W, ld, up);
    ck_winograd_output_backward(dy, dm, N, K, HO, WO, ld, up);
    // du[xi] = dm[xi] v[xi]^T and dv[xi] = u[xi]^T dm[xi].
    for (long xi = 0; xi < X; xi++)
        for (long k = 0; k < K; k++)
            for (long c = 0; c < C; c++) {
                double s = 0;
                for (long t = 0; t < T; t++) s += (double)dm[(xi * K + k) * ld + t] * v[(xi * C + c) * ld + t];
                du[(xi * K + k) * C + c] = (float)s;
            }
    products(X, C, T, K, ld, u, 1, dm, dv);
    ck_winograd_filter_backward(du, dw, K, C, up);
    ck_winograd_input_backward(dv, dx, N, C, H, W, ld, up);
    snprintf(label, sizeof label, "winograd/%s %ldx%ld dw", kind, H, W);
    ref_expect_close(label, dw, want_dw, K * C * 9, 1e-4, 1e-4);
    snprintf(label, sizeof label, "winograd/%s %ldx%ld dx", kind, H, W);
    ref_expect_close(label, dx, want_dx, N * C * H * W, 1e-5, 1e-4);
    free(x); free(w); free(bias); free(y); free(u); free(v); free(dy); free(dm); free(du); free(dv);
    free(dx); free(dw); free(want); free(want_dx); free(want_dw);
}

void test_winograd(void) {
    for (int up = 0; up <= 1; up++) {
        check(2, 3, 4, 4, 6, up);
        check(2, 3, 4, 5, 7, up);
    }
}
