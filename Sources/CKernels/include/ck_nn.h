// Optimizer updates and gradient norms for MedadNN, written in place over one parameter tensor.
#pragma once

// SGD with momentum, PyTorch semantics: g = grad + weight_decay * p; on the first step the momentum
// buffer is g, afterwards buf = momentum * buf + (1 - dampening) * g; the step uses buf (or
// g + momentum * buf when nesterov). `buffer` may be NULL when momentum is 0.
void ck_sgd_step(float *param, const float *grad, float *buffer, long count,
                 float lr, float momentum, float dampening, float weight_decay, int nesterov, int first_step);

// Adam/AdamW, PyTorch single-tensor semantics. `l2` adds l2 * p to the gradient (Adam's weight decay);
// `decay` multiplies p first (AdamW's decoupled 1 - lr * weight_decay; 1 for none).
// step_size = lr / (1 - beta1^t), bias_correction2_sqrt = sqrt(1 - beta2^t).
void ck_adam_step(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, long count,
                  float step_size, float bias_correction2_sqrt, float beta1, float beta2, float eps,
                  float l2, float decay);

// Sum of squares in double, summed over fixed-size blocks in a fixed order so the result does not
// depend on the thread count.
double ck_sum_squares(const float *x, long count);

// x *= factor.
void ck_scale(float *x, long count, float factor);
