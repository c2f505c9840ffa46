// vol2col / col2vol (im2col / col2im at depth 1) and the layout shuffles around the convolution GEMMs
// (see ck_conv.h).
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

// Copies one row of output positions of a window tap: dst[ow] = row[ow*S + off], zero outside [lo, hi).
static inline void gather_row(float *dst, const float *row, long off, long S, long lo, long hi, long WO) {
    // The offset goes into the index: a pointer to row + off would point before x for taps left of the padding.
    for (long ow = 0; ow < lo; ow++) dst[ow] = 0;
    if (S == 1) { if (hi > lo) memcpy(dst + lo, row + lo + off, (hi - lo) * sizeof(float)); }
    else for (long ow = lo; ow < hi; ow++) dst[ow] = row[ow * S + off];
    for (long ow = hi; ow < WO; ow++) dst[ow] = 0;
}

// The adjoint of gather_row: row[ow*S + off] += g[ow] for ow in [lo, hi). restrict: the two never overlap
// (dx and the column gradient); without it clang recomputed the strided index at every element, and
// col2vol of a 2x2 stride-2 convolution took 35% longer.
static inline void scatter_row(float *restrict row, const float *restrict g, long off, long S, long lo, long hi) {
    if (S == 1) { for (long ow = lo; ow < hi; ow++) row[ow + off] += g[ow]; }
    else { for (long ow = lo; ow < hi; ow++) row[ow * S + off] += g[ow]; }
}

CK_VECTORISED static void vol2col_team(const float *x, float *col, ck_conv_dims s, long b0, long nb) {
    const long C = s.C, D = s.D, H = s.H, W = s.W, KD = s.KD, KH = s.KH, KW = s.KW, S = s.S, PD = s.PD, PAD = s.PAD;
    const long N = s.N, HO = s.HO, WO = s.WO;
    const long Q = nb * WO, taps = KD * KH * KW, rows = C * taps;
#pragma omp for collapse(2) schedule(static)
    for (long r = 0; r < rows; r++) {
        for (long n = 0; n < N; n++) {
            long c = r / taps, a = r / (KH * KW) % KD, i = r / KW % KH, j = r % KW;
            long lo, hi;
            valid_range(j, S, PAD, W, WO, &lo, &hi);
            float *dst = col + (r * N + n) * Q;
            // The band's rows plane by plane: output plane od's rows [oh0, oh1) read input plane id.
            for (long b = b0; b < b0 + nb;) {
                const long od = b / HO, oh0 = b % HO, oh1 = HO < oh0 + b0 + nb - b ? HO : oh0 + b0 + nb - b;
                const long id = od * S - PD + a;
                b += oh1 - oh0;
                if (id < 0 || id >= D) {
                    memset(dst, 0, (oh1 - oh0) * WO * sizeof(float));
                    dst += (oh1 - oh0) * WO;
                    continue;
                }
                const float *plane = x + ((n * C + c) * D + id) * H * W;
                for (long oh = oh0; oh < oh1; oh++, dst += WO) {
                    long ih = oh * S - PAD + i;
                    if (ih < 0 || ih >= H) memset(dst, 0, WO * sizeof(float));
                    else gather_row(dst, plane + ih * W, j - PAD, S, lo, hi, WO);
                }
            }
        }
    }
}

void ck_vol2col(const float *x, float *col, ck_conv_dims s, long b0, long nb) {
#pragma omp parallel
    vol2col_team(x, col, s, b0, nb);
}

CK_VECTORISED static void col2vol_team(const float *dcol, float *dx, ck_conv_dims s, long b0, long nb, int accumulate) {
    const long C = s.C, D = s.D, H = s.H, W = s.W, KD = s.KD, KH = s.KH, KW = s.KW, S = s.S, PD = s.PD, PAD = s.PAD;
    const long N = s.N, HO = s.HO, WO = s.WO;
    const long Q = nb * WO;
    // The input depth planes the band's windows reach, [first, last), are all that an accumulating call
    // visits; one that overwrites zeroes every plane.
    long first = b0 / HO * S - PD, last = (b0 + nb - 1) / HO * S - PD + KD;
    if (first < 0 || !accumulate) first = 0;
    if (last > D || !accumulate) last = D;
    // One thread owns each input depth plane, and the (a, i, j, oh, ow) order is fixed: no atomics, same sums.
#pragma omp for collapse(3) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long c = 0; c < C; c++) {
            for (long id = first; id < last; id++) {
                float *in = dx + ((n * C + c) * D + id) * H * W;
                if (!accumulate) memset(in, 0, H * W * sizeof(float));
                for (long a = 0; a < KD; a++) {
                    long reach = id + PD - a;  // od * S for the output plane that reads plane id through tap a
                    if (reach < 0 || reach % S) continue;
                    long od = reach / S;
                    // That plane's output rows inside the band: [lo_b, hi_b)
                    long lo_b = od * HO > b0 ? od * HO : b0;
                    long hi_b = (od + 1) * HO < b0 + nb ? (od + 1) * HO : b0 + nb;
                    if (lo_b >= hi_b) continue;
                    for (long i = 0; i < KH; i++) {
                        for (long j = 0; j < KW; j++) {
                            long lo, hi;
                            valid_range(j, S, PAD, W, WO, &lo, &hi);
                            const long r = ((c * KD + a) * KH + i) * KW + j, off = j - PAD;
                            const float *src = dcol + (r * N + n) * Q + (lo_b - b0) * WO;
                            for (long oh = lo_b - od * HO; oh < hi_b - od * HO; oh++, src += WO) {
                                long ih = oh * S - PAD + i;
                                if (ih < 0 || ih >= H) continue;
                                scatter_row(in + ih * W, src, off, S, lo, hi);
                            }
                        }
                    }
                }
            }
        }
    }
}

void ck_col2vol(const float *dcol, float *dx, ck_conv_dims s, long b0, long nb, int accumulate) {
#pragma omp parallel
    col2vol_team(dcol, dx, s, b0, nb, accumulate);
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
