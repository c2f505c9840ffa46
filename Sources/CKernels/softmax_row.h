// One softmax row, forward and backward, for the kernels that take softmaxes of rows: the softmax
// kernels and attention. Private to CKernels.
#pragma once
#include "elementwise_math.h"

// One softmax row of length r at stride s; inlined with s == 1 for the contiguous (last-axis) case, and
// into the team functions compiled for each instruction set (called, it would run the baseline's code).
static inline __attribute__((always_inline)) void softmax_row(const float *x, float *y, long r, long s, int log) {
    float m = -INFINITY;
    _Pragma("omp simd reduction(max : m)")
    for (long k = 0; k < r; k++) m = fmaxf(m, x[k * s]);
    float sum = 0;
    if (log) {
        _Pragma("omp simd reduction(+ : sum)")
        for (long k = 0; k < r; k++) sum += ck_exp(x[k * s] - m);
        const float shift = m + ck_log(sum);
        for (long k = 0; k < r; k++) y[k * s] = x[k * s] - shift;
    } else {
        _Pragma("omp simd reduction(+ : sum)")
        for (long k = 0; k < r; k++) { const float e = ck_exp(x[k * s] - m); y[k * s] = e; sum += e; }
        const float inv = 1.0f / sum;
        for (long k = 0; k < r; k++) y[k * s] *= inv;
    }
}

static inline __attribute__((always_inline)) void softmax_row_backward(const float *y, const float *g, float *gx, long r, long s, int log) {
    float dot = 0;
    if (log) {
        _Pragma("omp simd reduction(+ : dot)")
        for (long k = 0; k < r; k++) dot += g[k * s];
        for (long k = 0; k < r; k++) gx[k * s] = g[k * s] - ck_exp(y[k * s]) * dot;
    } else {
        _Pragma("omp simd reduction(+ : dot)")
        for (long k = 0; k < r; k++) dot += g[k * s] * y[k * s];
        for (long k = 0; k < r; k++) gx[k * s] = y[k * s] * (g[k * s] - dot);
    }
}
