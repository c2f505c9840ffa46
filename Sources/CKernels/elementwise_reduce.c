#include <stdlib.h>
#include "ck_elementwise.h"
#include "elementwise_math.h"
#include "lane_sums.h"
#include "parallel.h"

// Outputs summed by one task in the many-outputs path; the double accumulators live on the stack.
#define LANE 2048
// Elements per partial sum in the few-outputs path: fixed, so the sum order never depends on threads.
#define BLOCK_ELEMENTS (1L << 16)

// acc[i] += Σ_k base[k·stride + i] for i < width, k < rows. Four rows per step cut the accumulator
// loads and stores by four; the grouping is fixed, so the result still does not depend on threads.
CK_VECTORISED static void accumulate_rows(const float *base, long rows, long stride, long width, double *acc) {
    long k = 0;
    for (; k + 4 <= rows; k += 4) {
        const float *r0 = base + k * stride, *r1 = r0 + stride, *r2 = r1 + stride, *r3 = r2 + stride;
        for (long i = 0; i < width; i++) acc[i] += ((double)r0[i] + r1[i]) + ((double)r2[i] + r3[i]);
    }
    for (; k < rows; k++) {
        const float *row = base + k * stride;
        for (long i = 0; i < width; i++) acc[i] += row[i];
    }
}

// lane_sum, compiled for the running CPU.
CK_VECTORISED static double row_sum(const float *x, long n) { return lane_sum(x, n); }

int ck_sum_middle(const float *x, float *out, long outer, long r, long inner, float scale) {
    const long total = outer * r * inner;
    const long outputs = outer * inner;
    if (outputs == 0) return 0;
    if (outputs >= 4096 || r == 0) {
        // Many outputs: each task owns a lane of outputs and walks the reduced axis in order.
        const long lanes = (inner + LANE - 1) / LANE;
        #pragma omp parallel for schedule(static) if (total >= CK_PARALLEL_MIN)
        for (long task = 0; task < outer * lanes; task++) {
            const long o = task / lanes, i0 = (task % lanes) * LANE;
            if (inner == 1) { out[o] = (float)(row_sum(x + o * r, r) * scale); continue; }
            const long width = inner - i0 < LANE ? inner - i0 : LANE;
            double acc[LANE];
            for (long i = 0; i < width; i++) acc[i] = 0;
            accumulate_rows(x + o * r * inner + i0, r, inner, width, acc);
            for (long i = 0; i < width; i++) out[o * inner + i0 + i] = (float)(acc[i] * scale);
        }
        return 0;
    }
    // Few outputs, long reductions: partial sums over fixed blocks of the reduced axis, then their sum.
    long rows_per_block = BLOCK_ELEMENTS / inner;
    if (rows_per_block < 1) rows_per_block = 1;
    const long blocks = (r + rows_per_block - 1) / rows_per_block;
    double *partial = malloc(sizeof(double) * (size_t)(outer * blocks * inner));
    if (!partial) return -1;
    #pragma omp parallel for schedule(static) if (total >= CK_PARALLEL_MIN)
    for (long task = 0; task < outer * blocks; task++) {
        const long o = task / blocks, blk = task % blocks;
        const long k0 = blk * rows_per_block;
        const long k1 = k0 + rows_per_block < r ? k0 + rows_per_block : r;
        double *acc = partial + task * inner;
        if (inner == 1) { acc[0] = row_sum(x + o * r + k0, k1 - k0); continue; }
        for (long i = 0; i < inner; i++) acc[i] = 0;
        accumulate_rows(x + (o * r + k0) * inner, k1 - k0, inner, inner, acc);
    }
    for (long o = 0; o < outer; o++) {
        for (long i = 0; i < inner; i++) {
            double s = 0;
            for (long blk = 0; blk < blocks; blk++) s += partial[(o * blocks + blk) * inner + i];
            out[o * inner + i] = (float)(s * scale);
        }
    }
    free(partial);
    return 0;
}

void ck_max_rows(const float *x, float *out, long *argmax, long rows, long r) {
    #pragma omp parallel for schedule(static) if (rows * r >= CK_PARALLEL_MIN)
    for (long row = 0; row < rows; row++) {
        const float *v = x + row * r;
        long best = 0;
        for (long k = 1; k < r; k++) {
            if (v[best] != v[best]) break;  // a NaN is the maximum
            if (v[k] > v[best] || v[k] != v[k]) best = k;
        }
        out[row] = v[best];
        argmax[row] = best;
    }
}
