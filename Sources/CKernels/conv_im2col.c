// im2col / col2im and the layout shuffles around the convolution GEMMs (see ck_conv.h).
#include <string.h>
#include "ck_conv.h"
#include "parallel.h"

// Output columns ow whose input column ow*S - PAD + j lies inside [0, W): ow in [*lo, *hi).
static void valid_range(long j, long S, long PAD, long W, long WO, long *lo, long *hi) {
    long first = PAD - j;  // smallest input offset that is still >= 0 is reached at ow >= first / S
    long l = first > 0 ? (first + S - 1) / S : 0;
    long last = W - 1 + PAD - j;  // ow*S <= last
    long h = last < 0 ? 0 : last / S + 1;
    if (h > WO) h = WO;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

CK_VECTORISED static void im2col_team(const float *x, float *col, long N, long C, long H, long W,
                                      long KH, long KW, long S, long PAD, long HO, long WO) {
    long P = HO * WO, rows = C * KH * KW;
#pragma omp for collapse(2) schedule(static)
    for (long r = 0; r < rows; r++) {
        for (long n = 0; n < N; n++) {
            long c = r / (KH * KW), i = (r / KW) % KH, j = r % KW;
            long lo, hi;
            valid_range(j, S, PAD, W, WO, &lo, &hi);
            const float *plane = x + (n * C + c) * H * W;
            float *dst = col + r * N * P + n * P;
            for (long oh = 0; oh < HO; oh++, dst += WO) {
                long ih = oh * S - PAD + i;
                if (ih < 0 || ih >= H) { memset(dst, 0, WO * sizeof(float)); continue; }
                // Output column ow reads input column ow*S + off of the row, inside the row for lo <= ow < hi
                // only: the offset goes into the index, a pointer to row + off would point before x for j < PAD.
                const float *row = plane + ih * W;
                const long off = j - PAD;
                for (long ow = 0; ow < lo; ow++) dst[ow] = 0;
                if (S == 1) { if (hi > lo) memcpy(dst + lo, row + lo + off, (hi - lo) * sizeof(float)); }
                else for (long ow = lo; ow < hi; ow++) dst[ow] = row[ow * S + off];
                for (long ow = hi; ow < WO; ow++) dst[ow] = 0;
            }
        }
    }
}

void ck_im2col(const float *x, float *col, long N, long C, long H, long W,
               long KH, long KW, long S, long PAD, long HO, long WO) {
#pragma omp parallel
    im2col_team(x, col, N, C, H, W, KH, KW, S, PAD, HO, WO);
}

CK_VECTORISED static void col2im_team(const float *dcol, float *dx, long N, long C, long H, long W,
                                      long KH, long KW, long S, long PAD, long HO, long WO) {
    long P = HO * WO;
    // One thread owns each input plane, and the (i, j, oh, ow) order is fixed: no atomics, same sums.
#pragma omp for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long c = 0; c < C; c++) {
            float *plane = dx + (n * C + c) * H * W;
            memset(plane, 0, H * W * sizeof(float));
            for (long i = 0; i < KH; i++) {
                for (long j = 0; j < KW; j++) {
                    long lo, hi;
                    valid_range(j, S, PAD, W, WO, &lo, &hi);
                    const float *src = dcol + ((c * KH + i) * KW + j) * N * P + n * P;
                    for (long oh = 0; oh < HO; oh++) {
                        long ih = oh * S - PAD + i;
                        if (ih < 0 || ih >= H) continue;
                        float *row = plane + ih * W;   // indexed as in ck_im2col
                        const long off = j - PAD;
                        const float *s = src + oh * WO;
                        if (S == 1) { for (long ow = lo; ow < hi; ow++) row[ow + off] += s[ow]; }
                        else { for (long ow = lo; ow < hi; ow++) row[ow * S + off] += s[ow]; }
                    }
                }
            }
        }
    }
}

void ck_col2im(const float *dcol, float *dx, long N, long C, long H, long W,
               long KH, long KW, long S, long PAD, long HO, long WO) {
#pragma omp parallel
    col2im_team(dcol, dx, N, C, H, W, KH, KW, S, PAD, HO, WO);
}

CK_VECTORISED static void cnp_to_ncp_team(const float *cnp, const float *bias, float *ncp, long N, long C, long P) {
#pragma omp for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long c = 0; c < C; c++) {
            const float *src = cnp + (c * N + n) * P;
            float *dst = ncp + (n * C + c) * P;
            float b = bias ? bias[c] : 0.0f;
            for (long p = 0; p < P; p++) dst[p] = src[p] + b;
        }
    }
}

void ck_conv_cnp_to_ncp(const float *cnp, const float *bias, float *ncp, long N, long C, long P) {
#pragma omp parallel
    cnp_to_ncp_team(cnp, bias, ncp, N, C, P);
}

void ck_conv_ncp_to_cnp(const float *ncp, float *cnp, long N, long C, long P) {
#pragma omp parallel for collapse(2) schedule(static)
    for (long c = 0; c < C; c++) {
        for (long n = 0; n < N; n++) {
            memcpy(cnp + (c * N + n) * P, ncp + (n * C + c) * P, P * sizeof(float));
        }
    }
}

void ck_conv_bias_backward(const float *dy, float *dbias, long N, long C, long P) {
#pragma omp parallel for schedule(static)
    for (long c = 0; c < C; c++) {
        double total = 0;
        for (long n = 0; n < N; n++) {
            const float *src = dy + (n * C + c) * P;
            float plane = 0;
            for (long p = 0; p < P; p++) plane += src[p];
            total += plane;
        }
        dbias[c] = (float)total;
    }
}
