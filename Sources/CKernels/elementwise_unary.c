#include "ck_elementwise.h"
#include "elementwise_math.h"
#include "parallel.h"

// Each case is its own loop so the op choice stays outside the hot loop and the body vectorises.
#define MAP(EXPR)                                                                                  \
    do {                                                                                           \
        _Pragma("omp for simd schedule(static)")                                                   \
        for (long i = 0; i < n; i++) { const float v = x[i]; y[i] = (EXPR); }                      \
    } while (0)

#define MAP_BACK(EXPR)                                                                             \
    do {                                                                                           \
        _Pragma("omp for simd schedule(static)")                                                   \
        for (long i = 0; i < n; i++) { const float v = x[i], out = y[i], d = g[i]; gx[i] = (EXPR); } \
    } while (0)

// PyTorch's softplus threshold: above it softplus(x) == x to float precision.
#define SOFTPLUS_THRESHOLD 20.0f
#define INV_SQRT2 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f

CK_VECTORISED static void unary_team(int op, const float *restrict x, float *restrict y, long n, float p0, float p1) {
    switch (op) {
    case CK_EXP: MAP(ck_exp(v)); break;
    case CK_LOG: MAP(ck_log(v)); break;
    case CK_SQRT: MAP(sqrtf(v)); break;
    case CK_ABS: MAP(fabsf(v)); break;
    case CK_POW: MAP(powf(v, p0)); break;
    case CK_CLAMP: MAP(fminf(fmaxf(v, p0), p1)); break;
    case CK_SQUARE: MAP(v * v); break;
    case CK_RELU: MAP(v > 0.0f ? v : 0.0f); break;
    case CK_GELU: MAP(0.5f * v * (1.0f + ck_erf(v * INV_SQRT2))); break;
    case CK_SILU: MAP(v * ck_sigmoid(v)); break;
    case CK_SIGMOID: MAP(ck_sigmoid(v)); break;
    case CK_SOFTPLUS: MAP(v > SOFTPLUS_THRESHOLD ? v : ck_log1p(ck_exp(v))); break;
    case CK_TANH: MAP(ck_tanh(v)); break;
    default: break;
    }
}

void ck_unary(int op, const float *restrict x, float *restrict y, long n, float p0, float p1) {
#pragma omp parallel if (n >= CK_PARALLEL_MIN)
    unary_team(op, x, y, n, p0, p1);
}

CK_VECTORISED static void unary_backward_team(int op, const float *restrict x, const float *restrict y,
                                              const float *restrict g, float *restrict gx, long n, float p0, float p1) {
    switch (op) {
    case CK_EXP: MAP_BACK(d * out); break;
    case CK_LOG: MAP_BACK(d / v); break;
    case CK_SQRT: MAP_BACK(0.5f * d / out); break;
    case CK_ABS: MAP_BACK(v > 0.0f ? d : (v < 0.0f ? -d : 0.0f)); break;
    case CK_POW: MAP_BACK(d * p0 * powf(v, p0 - 1.0f)); break;
    case CK_CLAMP: MAP_BACK(v >= p0 && v <= p1 ? d : 0.0f); break;
    case CK_SQUARE: MAP_BACK(2.0f * d * v); break;
    case CK_RELU: MAP_BACK(v > 0.0f ? d : 0.0f); break;
    case CK_GELU:
        MAP_BACK(d * (0.5f * (1.0f + ck_erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * ck_exp(-0.5f * v * v)));
        break;
    case CK_SILU: MAP_BACK(d * ck_sigmoid(v) * (1.0f + v * (1.0f - ck_sigmoid(v)))); break;
    case CK_SIGMOID: MAP_BACK(d * out * (1.0f - out)); break;
    case CK_SOFTPLUS: MAP_BACK(v > SOFTPLUS_THRESHOLD ? d : d * ck_sigmoid(v)); break;
    case CK_TANH: MAP_BACK(d * (1.0f - out * out)); break;
    default: break;
    }
}

void ck_unary_backward(int op, const float *restrict x, const float *restrict y, const float *restrict g,
                       float *restrict gx, long n, float p0, float p1) {
#pragma omp parallel if (n >= CK_PARALLEL_MIN)
    unary_backward_team(op, x, y, g, gx, n, p0, p1);
}
