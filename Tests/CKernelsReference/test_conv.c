// im2col / col2im (with padding wider than the window's start, j < PAD), the layout shuffles around the
// convolution GEMMs, the bias gradient, and the depthwise causal 1D convolution.
#include "reference.h"
#include "ck_conv.h"
#include <stdio.h>
#include <stdlib.h>

// col[(c, i, j), (n, oh, ow)] = x[n, c, oh*S - PAD + i, ow*S - PAD + j], 0 outside the image.
static double im2col_entry(const float *x, long C, long H, long W, long K, long S, long PAD, long HO, long WO,
                           long row, long column) {
    long c = row / (K * K), i = row / K % K, j = row % K;
    long n = column / (HO * WO), oh = column / WO % HO, ow = column % WO;
    long ih = oh * S - PAD + i, iw = ow * S - PAD + j;
    return ih < 0 || ih >= H || iw < 0 || iw >= W ? 0 : x[((n * C + c) * H + ih) * W + iw];
}

static void check_im2col(const char *name, long N, long C, long H, long W, long K, long S, long PAD) {
    const long HO = (H + 2 * PAD - K) / S + 1, WO = (W + 2 * PAD - K) / S + 1;
    const long rows = C * K * K, columns = N * HO * WO, pixels = N * C * H * W;
    ref_rng r = {(uint64_t)(H * 100 + W * 10 + K + S + PAD)};
    float *x = ref_floats(pixels), *col = ref_floats(rows * columns), *dcol = ref_floats(rows * columns);
    float *dx = ref_floats(pixels);
    double *want = ref_doubles(rows * columns), *want_dx = ref_doubles(pixels);
    ref_fill(x, pixels, -1, 1, &r);
    ref_fill(dcol, rows * columns, -1, 1, &r);
    for (long row = 0; row < rows; row++)
        for (long column = 0; column < columns; column++)
            want[row * columns + column] = im2col_entry(x, C, H, W, K, S, PAD, HO, WO, row, column);
    // col2im is im2col's adjoint: every column entry goes back to the pixel it was read from.
    for (long row = 0; row < rows; row++)
        for (long column = 0; column < columns; column++) {
            long c = row / (K * K), i = row / K % K, j = row % K;
            long n = column / (HO * WO), oh = column / WO % HO, ow = column % WO;
            long ih = oh * S - PAD + i, iw = ow * S - PAD + j;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) want_dx[((n * C + c) * H + ih) * W + iw] += dcol[row * columns + column];
        }
    char label[128];
    ck_im2col(x, col, N, C, H, W, K, K, S, PAD, HO, WO);
    snprintf(label, sizeof label, "conv/im2col %s", name);
    ref_expect_close(label, col, want, rows * columns, 0, 0);
    ck_col2im(dcol, dx, N, C, H, W, K, K, S, PAD, HO, WO);
    snprintf(label, sizeof label, "conv/col2im %s", name);
    ref_expect_close(label, dx, want_dx, pixels, 1e-6, 1e-6);
    free(x); free(col); free(dcol); free(dx); free(want); free(want_dx);
}

static void check_layouts(void) {
    const long N = 3, C = 5, P = 7;
    ref_rng r = {7};
    float *cnp = ref_floats(N * C * P), *ncp = ref_floats(N * C * P), *back = ref_floats(N * C * P);
    float *bias = ref_floats(C), *dbias = ref_floats(C);
    double *want = ref_doubles(N * C * P), *want_bias = ref_doubles(C);
    ref_fill(cnp, N * C * P, -1, 1, &r);
    ref_fill(bias, C, -1, 1, &r);
    for (long n = 0; n < N; n++)
        for (long c = 0; c < C; c++)
            for (long p = 0; p < P; p++) {
                want[(n * C + c) * P + p] = (double)cnp[(c * N + n) * P + p] + bias[c];
                want_bias[c] += cnp[(c * N + n) * P + p];
            }
    ck_conv_cnp_to_ncp(cnp, bias, ncp, N, C, P);
    ref_expect_close("conv/cnp to ncp with bias", ncp, want, N * C * P, 0, 1e-7);
    ck_conv_cnp_to_ncp(cnp, NULL, ncp, N, C, P);
    ck_conv_ncp_to_cnp(ncp, back, N, C, P);
    ref_expect_close_f("conv/ncp to cnp undoes cnp to ncp", back, cnp, N * C * P, 0, 0);
    // The bias gradient sums dy [N, C, P] over n and p; ncp now holds cnp's values in NCHW order.
    ck_conv_bias_backward(ncp, dbias, N, C, P);
    ref_expect_close("conv/bias backward", dbias, want_bias, C, 1e-6, 1e-6);
    free(cnp); free(ncp); free(back); free(bias); free(dbias); free(want); free(want_bias);
}

// y[b, t, c] = bias[c] + sum_j w[c, j] x[b, t - (K-1) + j, c] and its three gradients, by definition.
static void check_causal(int with_bias) {
    const long B = 2, L = 9, C = 6, K = 4;
    ref_rng r = {11 + (uint64_t)with_bias};
    float *x = ref_floats(B * L * C), *w = ref_floats(C * K), *bias = ref_floats(C), *y = ref_floats(B * L * C);
    float *dy = ref_floats(B * L * C), *dx = ref_floats(B * L * C), *dw = ref_floats(C * K), *db = ref_floats(C);
    double *want = ref_doubles(B * L * C), *want_dx = ref_doubles(B * L * C), *want_dw = ref_doubles(C * K);
    double *want_db = ref_doubles(C);
    ref_fill(x, B * L * C, -1, 1, &r);
    ref_fill(w, C * K, -1, 1, &r);
    ref_fill(bias, C, -1, 1, &r);
    ref_fill(dy, B * L * C, -1, 1, &r);
    for (long b = 0; b < B; b++)
        for (long t = 0; t < L; t++)
            for (long c = 0; c < C; c++) {
                long o = (b * L + t) * C + c;
                want[o] = with_bias ? bias[c] : 0;
                want_db[c] += dy[o];
                for (long j = 0; j < K; j++) {
                    long s = t - (K - 1) + j;
                    if (s < 0) continue;
                    long i = (b * L + s) * C + c;
                    want[o] += (double)w[c * K + j] * x[i];
                    want_dx[i] += (double)w[c * K + j] * dy[o];
                    want_dw[c * K + j] += (double)x[i] * dy[o];
                }
            }
    ck_causal_dwconv1d_forward(x, w, with_bias ? bias : NULL, y, B, L, C, K);
    ref_expect_close(with_bias ? "conv/causal dwconv1d forward, bias" : "conv/causal dwconv1d forward", y, want,
                     B * L * C, 1e-6, 1e-5);
    ck_causal_dwconv1d_backward(x, w, dy, dx, dw, with_bias ? db : NULL, B, L, C, K);
    ref_expect_close("conv/causal dwconv1d dx", dx, want_dx, B * L * C, 1e-6, 1e-5);
    ref_expect_close("conv/causal dwconv1d dw", dw, want_dw, C * K, 1e-5, 1e-5);
    if (with_bias) ref_expect_close("conv/causal dwconv1d dbias", db, want_db, C, 1e-5, 1e-5);
    free(x); free(w); free(bias); free(y); free(dy); free(dx); free(dw); free(db);
    free(want); free(want_dx); free(want_dw); free(want_db);
}

void test_conv(void) {
    check_im2col("3x3 stride 1 pad 1", 2, 3, 6, 7, 3, 1, 1);
    check_im2col("3x3 stride 2 pad 2", 2, 2, 7, 6, 3, 2, 2);
    check_im2col("4x4 stride 2 pad 1", 1, 3, 8, 8, 4, 2, 1);
    check_im2col("1x1 stride 1 pad 0", 2, 4, 5, 5, 1, 1, 0);
    check_layouts();
    check_causal(1);
    check_causal(0);
}
