// Double-precision sums over 8 interleaved lanes, for statistics and reductions. A single double
// accumulator is one long dependency chain (about 4 cycles per element, which made it the largest
// cost of GroupNorm); independent lanes vectorise, and their fixed layout keeps results reproducible.
// Always inlined: into a function compiled for each instruction set (parallel.h) they vectorise for it.
#pragma once

enum { SUM_LANES = 8 };
#define LANE_SUMS static inline __attribute__((always_inline))

// Σ x[i].
LANE_SUMS double lane_sum(const float *x, long n) {
    double lane[SUM_LANES] = {0};
    long k = 0;
    for (; k + SUM_LANES <= n; k += SUM_LANES)
        for (int j = 0; j < SUM_LANES; j++) lane[j] += x[k + j];
    double s = 0;
    for (; k < n; k++) s += x[k];
    for (int j = 0; j < SUM_LANES; j++) s += lane[j];
    return s;
}

// Σ (x[i] − mu)².
LANE_SUMS double norm_squared_deviation(const float *x, long n, double mu) {
    double lane[SUM_LANES] = {0};
    long k = 0;
    for (; k + SUM_LANES <= n; k += SUM_LANES)
        for (int j = 0; j < SUM_LANES; j++) { double d = x[k + j] - mu; lane[j] += d * d; }
    double s = 0;
    for (; k < n; k++) { double d = x[k] - mu; s += d * d; }
    for (int j = 0; j < SUM_LANES; j++) s += lane[j];
    return s;
}

// *dot = Σ g[i]·scale[i]·((x[i] − m)·r) and *total = Σ g[i]·scale[i], the backward sums of a
// normalisation with per-element scale (NULL: 1); the products are formed in float as before.
LANE_SUMS void norm_backward_sums(const float *g, const float *scale, const float *x, float m, float r,
                                  long n, double *dot, double *total) {
    double ld[SUM_LANES] = {0}, lt[SUM_LANES] = {0};
    long k = 0;
    for (; k + SUM_LANES <= n; k += SUM_LANES)
        for (int j = 0; j < SUM_LANES; j++) {
            float gs = g[k + j] * (scale ? scale[k + j] : 1.0f);
            ld[j] += gs * ((x[k + j] - m) * r);
            lt[j] += gs;
        }
    double d = 0, t = 0;
    for (; k < n; k++) {
        float gs = g[k] * (scale ? scale[k] : 1.0f);
        d += gs * ((x[k] - m) * r);
        t += gs;
    }
    for (int j = 0; j < SUM_LANES; j++) { d += ld[j]; t += lt[j]; }
    *dot = d;
    *total = t;
}
