// vol2col / col2vol in 2D (depth 1) and 3D, whole and in bands of output rows (with padding wider
// than the window's start, j < PAD), the layout shuffles around the convolution GEMMs, the bias gradient,
// the depthwise causal 1D convolution and the depthwise convolution over a token grid.
#include "reference.h"
#include "ck_conv.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>

// The input voxel that entry (row (c, a, i, j), column (n, od, oh, ow)) of the full lowering reads, or -1
// where the window reaches into the padding.
static long vol2col_source(ck_conv_dims s, long row, long column) {
    long c = row / (s.KD * s.KH * s.KW), a = row / (s.KH * s.KW) % s.KD, i = row / s.KW % s.KH, j = row % s.KW;
    long n = column / (s.DO * s.HO * s.WO), od = column / (s.HO * s.WO) % s.DO;
    long oh = column / s.WO % s.HO, ow = column % s.WO;
    long id = od * s.S - s.PD + a, ih = oh * s.S - s.PAD + i, iw = ow * s.S - s.PAD + j;
    if (id < 0 || id >= s.D || ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) return -1;
    return (((n * s.C + c) * s.D + id) * s.H + ih) * s.W + iw;
}

// Lowers the batch in bands of `band` output rows (od, oh), as a large volume is lowered: each band's
// columns must be the matching columns of the full lowering, and col2vol, overwriting dx with the first
// band and adding the others, must give every input voxel the sum of the entries that read it.
static void check_vol2col(const char *name, ck_conv_dims s, long band) {
    s.DO = (s.D + 2 * s.PD - s.KD) / s.S + 1;
    s.HO = (s.H + 2 * s.PAD - s.KH) / s.S + 1;
    s.WO = (s.W + 2 * s.PAD - s.KW) / s.S + 1;
    const long R = s.DO * s.HO, rows = s.C * s.KD * s.KH * s.KW, columns = s.N * R * s.WO;
    const long voxels = s.N * s.C * s.D * s.H * s.W, most = rows * s.N * band * s.WO;
    ref_rng r = {(uint64_t)(s.D * 1000 + s.H * 100 + s.W * 10 + s.KH + s.S + s.PAD + band)};
    float *x = ref_floats(voxels), *dcol = ref_floats(rows * columns), *dx = ref_floats(voxels);
    float *col = ref_floats(most), *dcol_band = ref_floats(most);
    double *want = ref_doubles(most), *want_dx = ref_doubles(voxels);
    ref_fill(x, voxels, -1, 1, &r);
    ref_fill(dcol, rows * columns, -1, 1, &r);
    ref_fill(dx, voxels, -1, 1, &r);   // stale values, which the first band must overwrite
    for (long row = 0; row < rows; row++)
        for (long column = 0; column < columns; column++) {
            long at = vol2col_source(s, row, column);
            if (at >= 0) want_dx[at] += dcol[row * columns + column];
        }
    char label[160];
    for (long b0 = 0; b0 < R; b0 += band) {
        const long nb = R - b0 < band ? R - b0 : band, q = nb * s.WO;
        // Band column (n, t) is full column (n, b0*WO + t).
        for (long row = 0; row < rows; row++)
            for (long n = 0; n < s.N; n++)
                for (long t = 0; t < q; t++) {
                    long column = n * R * s.WO + b0 * s.WO + t, at = vol2col_source(s, row, column);
                    want[(row * s.N + n) * q + t] = at < 0 ? 0 : x[at];
                    dcol_band[(row * s.N + n) * q + t] = dcol[row * columns + column];
                }
        ck_vol2col(x, col, s, b0, nb);
        snprintf(label, sizeof label, "conv/vol2col %s, output rows from %ld", name, b0);
        ref_expect_close(label, col, want, rows * s.N * q, 0, 0);
        ck_col2vol(dcol_band, dx, s, b0, nb, b0 > 0);
    }
    snprintf(label, sizeof label, "conv/col2vol %s, bands of %ld rows", name, band);
    ref_expect_close(label, dx, want_dx, voxels, 1e-6, 1e-6);
    free(x); free(dcol); free(dx); free(col); free(dcol_band); free(want); free(want_dx);
}

// A 2D convolution: depth 1, no depth padding.
static ck_conv_dims image(long N, long C, long H, long W, long K, long S, long PAD) {
    return (ck_conv_dims){.N = N, .C = C, .D = 1, .H = H, .W = W, .KD = 1, .KH = K, .KW = K, .S = S, .PAD = PAD};
}

// A 3D convolution with a cubic window.
static ck_conv_dims volume(long N, long C, long D, long H, long W, long K, long S, long PAD) {
    return (ck_conv_dims){.N = N, .C = C, .D = D, .H = H, .W = W, .KD = K, .KH = K, .KW = K, .S = S,
                          .PD = PAD, .PAD = PAD};
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

// y[b, i, j, c] = bias[c] + sum_{a,e} w[c, a, e] x[b, i + a - K/2, j + e - K/2, c] over a token grid, and
// its three gradients, by definition.
static void check_dwconv_grid(long B, long H, long W, long C, long K, int with_bias) {
    const long N = B * H * W * C, T = K * K, P = K / 2;
    ref_rng r = {(uint64_t)(17 + H * 10 + W + K + with_bias)};
    float *x = ref_floats(N), *w = ref_floats(C * T), *bias = ref_floats(C), *y = ref_floats(N);
    float *dy = ref_floats(N), *dx = ref_floats(N), *dw = ref_floats(C * T), *db = ref_floats(C);
    double *want = ref_doubles(N), *want_dx = ref_doubles(N), *want_dw = ref_doubles(C * T), *want_db = ref_doubles(C);
    ref_fill(x, N, -1, 1, &r);
    ref_fill(w, C * T, -1, 1, &r);
    ref_fill(bias, C, -1, 1, &r);
    ref_fill(dy, N, -1, 1, &r);
    for (long b = 0; b < B; b++)
        for (long i = 0; i < H; i++)
            for (long j = 0; j < W; j++)
                for (long c = 0; c < C; c++) {
                    long o = ((b * H + i) * W + j) * C + c;
                    want[o] = with_bias ? bias[c] : 0;
                    want_db[c] += dy[o];
                    for (long a = 0; a < K; a++)
                        for (long e = 0; e < K; e++) {
                            long si = i + a - P, sj = j + e - P;
                            if (si < 0 || si >= H || sj < 0 || sj >= W) continue;
                            long at = ((b * H + si) * W + sj) * C + c, tap = c * T + a * K + e;
                            want[o] += (double)w[tap] * x[at];
                            want_dx[at] += (double)w[tap] * dy[o];
                            want_dw[tap] += (double)x[at] * dy[o];
                        }
                }
    ck_dwconv_grid_forward(x, w, with_bias ? bias : NULL, y, B, H, W, C, K);
    ref_expect_close(with_bias ? "conv/dwconv grid forward, bias" : "conv/dwconv grid forward", y, want, N, 1e-6, 1e-5);
    ck_dwconv_grid_backward(x, w, dy, dx, dw, with_bias ? db : NULL, B, H, W, C, K);
    ref_expect_close("conv/dwconv grid dx", dx, want_dx, N, 1e-6, 1e-5);
    ref_expect_close("conv/dwconv grid dw", dw, want_dw, C * T, 1e-5, 1e-5);
    if (with_bias) ref_expect_close("conv/dwconv grid dbias", db, want_db, C, 1e-5, 1e-5);
    free(x); free(w); free(bias); free(y); free(dy); free(dx); free(dw); free(db);
    free(want); free(want_dx); free(want_dw); free(want_db);
}

// The sub-pixel convolution: folding the filters, a plain 2x2x2 convolution with padding 1 and the
// interleave must give the 3x3x3 'same' convolution of x upsampled x2, and each backward must be the
// adjoint of its forward.
static void check_subpixel(long N, long CI, long CO, long D, long H, long W) {
    const long V = D * H * W, U = 8 * V, Y = (D + 1) * (H + 1) * (W + 1);
    ref_rng r = {(uint64_t)(D * 100 + H * 10 + W)};
    float *x = ref_floats(N * CI * V), *w = ref_floats(CO * CI * 27), *ws = ref_floats(8 * CO * CI * 8);
    float *ys = ref_floats(N * 8 * CO * Y), *out = ref_floats(N * CO * U), *dout = ref_floats(N * CO * U);
    float *dys = ref_floats(N * 8 * CO * Y), *dws = ref_floats(8 * CO * CI * 8), *dw = ref_floats(CO * CI * 27);
    double *want = ref_doubles(N * CO * U);
    ref_fill(x, N * CI * V, -1, 1, &r);
    ref_fill(w, CO * CI * 27, -1, 1, &r);
    ref_fill(dout, N * CO * U, -1, 1, &r);
    ref_fill(dws, 8 * CO * CI * 8, -1, 1, &r);
    // The definition: fine voxel (z, y, v) reads x at (z + a - 1) / 2, ... inside the fine grid.
    for (long n = 0; n < N; n++)
        for (long o = 0; o < CO; o++)
            for (long z = 0; z < 2 * D; z++)
                for (long y = 0; y < 2 * H; y++)
                    for (long v = 0; v < 2 * W; v++) {
                        double s = 0;
                        for (long i = 0; i < CI; i++)
                            for (long k = 0; k < 27; k++) {
                                long fz = z + k / 9 - 1, fy = y + k / 3 % 3 - 1, fv = v + k % 3 - 1;
                                if (fz < 0 || fz >= 2 * D || fy < 0 || fy >= 2 * H || fv < 0 || fv >= 2 * W) continue;
                                s += (double)w[(o * CI + i) * 27 + k] * x[(((n * CI + i) * D + fz / 2) * H + fy / 2) * W + fv / 2];
                            }
                        want[(((n * CO + o) * 2 * D + z) * 2 * H + y) * 2 * W + v] = s;
                    }
    ck_subpixel_fold_forward(w, ws, CO, CI);
    for (long n = 0; n < N; n++)
        for (long c = 0; c < 8 * CO; c++)
            for (long q = 0; q < Y; q++) {
                long cz = q / ((H + 1) * (W + 1)), cy = q / (W + 1) % (H + 1), cv = q % (W + 1);
                double s = 0;
                for (long i = 0; i < CI; i++)
                    for (long t = 0; t < 8; t++) {
                        long iz = cz - 1 + (t >> 2), iy = cy - 1 + (t >> 1 & 1), iv = cv - 1 + (t & 1);
                        if (iz < 0 || iz >= D || iy < 0 || iy >= H || iv < 0 || iv >= W) continue;
                        s += (double)ws[(c * CI + i) * 8 + t] * x[(((n * CI + i) * D + iz) * H + iy) * W + iv];
                    }
                ys[(n * 8 * CO + c) * Y + q] = (float)s;
            }
    ck_subpixel_interleave_forward(ys, out, N, CO, D, H, W);
    char label[96];
    snprintf(label, sizeof label, "conv/sub-pixel 3x3x3 of x2 upsampled %ldx%ldx%ld", D, H, W);
    ref_expect_close(label, out, want, N * CO * U, 1e-5, 1e-5);
    ck_subpixel_interleave_backward(dout, dys, N, CO, D, H, W);
    double lhs = ref_dot(out, dout, N * CO * U), rhs = ref_dot(ys, dys, N * 8 * CO * Y);
    snprintf(label, sizeof label, "conv/sub-pixel interleave adjoint %ldx%ldx%ld", D, H, W);
    ref_expect(label, fabs(lhs - rhs) <= 1e-6 * (1 + fabs(lhs)), "<interleave ys, dout> != <ys, interleave^T dout>");
    ck_subpixel_fold_backward(dws, dw, CO, CI);
    lhs = ref_dot(ws, dws, 8 * CO * CI * 8), rhs = ref_dot(w, dw, CO * CI * 27);
    snprintf(label, sizeof label, "conv/sub-pixel fold adjoint %ldx%ld", CO, CI);
    ref_expect(label, fabs(lhs - rhs) <= 1e-6 * (1 + fabs(lhs)), "<fold w, dws> != <w, fold^T dws>");
    free(x); free(w); free(ws); free(ys); free(out); free(dout); free(dys); free(dws); free(dw); free(want);
}

void test_conv(void) {
    // Whole images, then bands of rows; the volumes' bands start and end inside output planes.
    check_vol2col("2D 3x3 stride 1 pad 1", image(2, 3, 6, 7, 3, 1, 1), 6);
    check_vol2col("2D 3x3 stride 2 pad 2", image(2, 2, 7, 6, 3, 2, 2), 5);
    check_vol2col("2D 4x4 stride 2 pad 1", image(1, 3, 8, 8, 4, 2, 1), 4);
    check_vol2col("2D 1x1 stride 1 pad 0", image(2, 4, 5, 5, 1, 1, 0), 5);
    check_vol2col("2D 3x3 stride 1 pad 1", image(1, 3, 6, 7, 3, 1, 1), 4);
    check_vol2col("2D 3x3 stride 2 pad 2", image(1, 2, 7, 6, 3, 2, 2), 2);
    check_vol2col("3D 3x3x3 stride 1 pad 1", volume(2, 3, 5, 6, 4, 3, 1, 1), 30);
    check_vol2col("3D 3x3x3 stride 1 pad 1", volume(1, 2, 7, 5, 6, 3, 1, 1), 7);
    check_vol2col("3D 3x3x3 stride 2 pad 2", volume(1, 3, 7, 6, 5, 3, 2, 2), 4);
    check_vol2col("3D 2x2x2 stride 2 pad 0", volume(2, 2, 6, 4, 5, 2, 2, 0), 1);
    check_vol2col("3D 4x4x4 stride 1 pad 1", volume(1, 2, 6, 6, 6, 4, 1, 1), 5);
    check_vol2col("3D 2x2x2 stride 1 pad 1", volume(2, 3, 4, 3, 5, 2, 1, 1), 7);
    check_subpixel(2, 3, 2, 3, 2, 4);
    check_subpixel(1, 1, 1, 1, 1, 1);
    check_layouts();
    check_causal(1);
    check_causal(0);
    check_dwconv_grid(2, 5, 4, 6, 3, 1);
    check_dwconv_grid(1, 3, 7, 5, 5, 0);
    check_dwconv_grid(2, 1, 1, 3, 3, 1);
}
