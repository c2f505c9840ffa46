// Branch-free float math that the compiler vectorises (libm's expf/logf/erff calls are not), so the
// activation kernels run near memory bandwidth. Polynomials after Cephes (S. L. Moshier) and
// Abramowitz & Stegun 7.1.26. Private to CKernels.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

#define CK_PARALLEL_MIN (1L << 15)

static inline float ck_bits_to_float(int32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline int32_t ck_float_to_bits(float f) { int32_t b; memcpy(&b, &f, 4); return b; }

// e^x, relative error ~2e-7; 0 below -87.3, +inf above 88.7, NaN stays NaN.
static inline float ck_exp(float x) {
    float c = fminf(fmaxf(x, -87.3f), 88.7f);
    float n = floorf(c * 1.44269504088896341f + 0.5f);
    float r = c - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * r * r + r + 1.0f;
    y *= ck_bits_to_float(((int32_t)n + 127) << 23);
    y = x > 88.7f ? INFINITY : y;
    y = x < -87.3f ? 0.0f : y;
    return x != x ? x : y;
}

// Natural log, relative error ~2e-7; handles subnormals, 0 (-inf), negatives (NaN) and +inf.
static inline float ck_log(float x) {
    int tiny = x < 1.17549435e-38f;
    float s = tiny ? x * 8388608.0f : x;  // scale subnormals by 2^23 into the normal range
    int32_t bits = ck_float_to_bits(s);
    float e = (float)(((bits >> 23) & 0xff) - 126) - (tiny ? 23.0f : 0.0f);
    float m = ck_bits_to_float((bits & 0x807fffff) | 0x3f000000);  // mantissa in [0.5, 1)
    int low = m < 0.707106781186547524f;
    e = low ? e - 1.0f : e;
    float f = low ? m + m - 1.0f : m - 1.0f;
    float z = f * f;
    float p = 7.0376836292e-2f;
    p = p * f - 1.1514610310e-1f;
    p = p * f + 1.1676998740e-1f;
    p = p * f - 1.2420140846e-1f;
    p = p * f + 1.4249322787e-1f;
    p = p * f - 1.6668057665e-1f;
    p = p * f + 2.0000714765e-1f;
    p = p * f - 2.4999993993e-1f;
    p = p * f + 3.3333331174e-1f;
    float y = p * f * z;
    y += -2.12194440e-4f * e;
    y += -0.5f * z;
    y = f + y + 0.693359375f * e;
    y = x == INFINITY ? INFINITY : y;
    y = x == 0.0f ? -INFINITY : y;
    y = x < 0.0f ? NAN : y;
    return x != x ? x : y;
}

// log(1 + u) for u >= 0, accurate for tiny u (Goldberg's correction: the rounding of 1 + u cancels).
static inline float ck_log1p(float u) {
    float w = 1.0f + u;
    float d = w - 1.0f;
    return d == 0.0f ? u : ck_log(w) * (u / d);
}

// erf(x), absolute error ~1.5e-7.
static inline float ck_erf(float x) {
    float a = fabsf(x);
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float y = 1.0f - p * t * ck_exp(-a * a);
    return copysignf(y, x);
}

static inline float ck_sigmoid(float x) { return 1.0f / (1.0f + ck_exp(-x)); }

// tanh through e^{-2|x|} so it never overflows.
static inline float ck_tanh(float x) {
    float e = ck_exp(-2.0f * fabsf(x));
    return copysignf((1.0f - e) / (1.0f + e), x);
}
