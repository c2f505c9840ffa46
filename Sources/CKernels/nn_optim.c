// Optimizer hot loops (see ck_nn.h); every element is independent, so OpenMP cannot change results.
#include "ck_nn.h"
#include <math.h>
#include <stdlib.h>
#include "parallel.h"

#define PARALLEL_MIN 32768

CK_VECTORISED static void sgd_team(float *param, const float *grad, float *buffer, long count, float lr,
                                   float momentum, float dampening, float weight_decay, int nesterov, int first_step) {
    #pragma omp for schedule(static)
    for (long i = 0; i < count; i++) {
        float g = grad[i];
        if (weight_decay != 0.0f) g += weight_decay * param[i];
        if (momentum != 0.0f) {
            float b = first_step ? g : momentum * buffer[i] + (1.0f - dampening) * g;
            buffer[i] = b;
            g = nesterov ? g + momentum * b : b;
        }
        param[i] -= lr * g;
    }
}

void ck_sgd_step(float *param, const float *grad, float *buffer, long count,
                 float lr, float momentum, float dampening, float weight_decay, int nesterov, int first_step) {
    #pragma omp parallel if(count > PARALLEL_MIN)
    sgd_team(param, grad, buffer, count, lr, momentum, dampening, weight_decay, nesterov, first_step);
}

CK_VECTORISED static void adam_team(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, long count,
                                    float step_size, float bias_correction2_sqrt, float beta1, float beta2, float eps,
                                    float l2, float decay) {
    #pragma omp for schedule(static)
    for (long i = 0; i < count; i++) {
        float p = param[i] * decay;
        float g = grad[i];
        if (l2 != 0.0f) g += l2 * p;
        // lerp form, as torch's exp_avg.lerp_(grad, 1 - beta1)
        float m = exp_avg[i] + (1.0f - beta1) * (g - exp_avg[i]);
        float v = exp_avg_sq[i] * beta2 + (1.0f - beta2) * g * g;
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        float denom = sqrtf(v) / bias_correction2_sqrt + eps;
        param[i] = p - step_size * (m / denom);
    }
}

void ck_adam_step(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, long count,
                  float step_size, float bias_correction2_sqrt, float beta1, float beta2, float eps,
                  float l2, float decay) {
    #pragma omp parallel if(count > PARALLEL_MIN)
    adam_team(param, grad, exp_avg, exp_avg_sq, count, step_size, bias_correction2_sqrt, beta1, beta2, eps, l2, decay);
}

#define SUM_BLOCK 65536

double ck_sum_squares(const float *x, long count) {
    long blocks = (count + SUM_BLOCK - 1) / SUM_BLOCK;
    double *partials = malloc((size_t)(blocks > 0 ? blocks : 1) * sizeof(double));
    if (!partials) {  // out of memory for a few doubles: fall back to one sequential pass
        double total = 0.0;
        for (long i = 0; i < count; i++) total += (double)x[i] * (double)x[i];
        return total;
    }
    #pragma omp parallel for if(blocks > 1) schedule(static)
    for (long b = 0; b < blocks; b++) {
        long end = (b + 1) * SUM_BLOCK < count ? (b + 1) * SUM_BLOCK : count;
        double partial = 0.0;
        for (long i = b * SUM_BLOCK; i < end; i++) partial += (double)x[i] * (double)x[i];
        partials[b] = partial;
    }
    // Added in block order: the same sum for any team size.
    double total = 0.0;
    for (long b = 0; b < blocks; b++) total += partials[b];
    free(partials);
    return total;
}

CK_VECTORISED static void scale_team(float *x, long count, float factor) {
    #pragma omp for schedule(static)
    for (long i = 0; i < count; i++) x[i] *= factor;
}

void ck_scale(float *x, long count, float factor) {
    #pragma omp parallel if(count > PARALLEL_MIN)
    scale_team(x, count, factor);
}
