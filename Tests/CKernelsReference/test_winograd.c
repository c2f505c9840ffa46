// Winograd F(2x2, 3x3): the banded passes must give the direct 3x3 'same' convolution (of x, or of x
// upsampled x2 by nearest neighbour) and its two gradients, in one band and in bands of one and two
// tile rows, each gradient alone too; and the filter gradient must not depend on the team's size.
// Odd sizes cut the last blocks at the border.
#include "reference.h"
#include "ck_conv.h"
#include "ck_runtime.h"
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

static void check(long N, long C, long K, long H, long W, int up) {
    const long HO = up ? 2 * H : H, WO = up ? 2 * W : W;
    const long X = up ? 9 : 16;
    ref_rng r = {(uint64_t)(H * 10 + W + up)};
    float *x = ref_floats(N * C * H * W), *w = ref_floats(K * C * 9), *bias = ref_floats(K), *y = ref_floats(N * K * HO * WO);
    float *u = ref_floats(X * K * C), *dy = ref_floats(N * K * HO * WO), *du = ref_floats(X * K * C);
    float *alone = ref_floats(X * K * C), *dx = ref_floats(N * C * H * W), *dw = ref_floats(K * C * 9);
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

    for (long rows = 0; rows <= 2; rows++) {
        ck_winograd_backward(x, u, dy, dx, du, N, C, K, H, W, up, rows);
        ck_winograd_filter_backward(du, dw, K, C, up);
        snprintf(label, sizeof label, "winograd/%s %ldx%ld dw, rows = %ld", kind, H, W, rows);
        ref_expect_close(label, dw, want_dw, K * C * 9, 1e-4, 1e-4);
        snprintf(label, sizeof label, "winograd/%s %ldx%ld dx, rows = %ld", kind, H, W, rows);
        ref_expect_close(label, dx, want_dx, N * C * H * W, 1e-5, 1e-4);
    }
    // du of the last pass (rows = 2) again, without dx, then on a team of one.
    ck_winograd_backward(x, u, dy, NULL, alone, N, C, K, H, W, up, 2);
    snprintf(label, sizeof label, "winograd/%s %ldx%ld du alone", kind, H, W);
    ref_expect(label, !memcmp(alone, du, sizeof(float) * X * K * C), "differs from du computed beside dx");
    ck_winograd_backward(x, u, dy, dx, NULL, N, C, K, H, W, up, 1);
    snprintf(label, sizeof label, "winograd/%s %ldx%ld dx alone", kind, H, W);
    ref_expect_close(label, dx, want_dx, N * C * H * W, 1e-5, 1e-4);
    ck_set_num_threads(1);
    ck_winograd_backward(x, u, dy, NULL, alone, N, C, K, H, W, up, 2);
    ck_set_num_threads(2);
    snprintf(label, sizeof label, "winograd/%s %ldx%ld du on one thread", kind, H, W);
    ref_expect(label, !memcmp(alone, du, sizeof(float) * X * K * C), "differs from du on the team of two");
    free(x); free(w); free(bias); free(y); free(u); free(dy); free(du); free(alone);
    free(dx); free(dw); free(want); free(want_dx); free(want_dw);
}

void test_winograd(void) {
    for (int up = 0; up <= 1; up++) {
        check(2, 3, 4, 4, 6, up);
        check(2, 3, 4, 5, 7, up);
        check(11, 3, 4, 5, 7, up);  // more images than gradient slots
    }
}
