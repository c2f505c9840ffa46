// SGD (plain, momentum, Nesterov, weight decay) and Adam/AdamW steps with PyTorch's update rules, the
// block-ordered sum of squares and the in-place scale.
#include "reference.h"
#include "ck_nn.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void check_sgd(const char *name, float momentum, float dampening, float decay, int nesterov) {
    const long n = 40000;  // above the kernels' parallel threshold
    ref_rng r = {(uint64_t)(momentum * 10 + nesterov)};
    float *p = ref_floats(n), *g = ref_floats(n), *buf = ref_floats(n);
    double *want_p = ref_doubles(n), *want_buf = ref_doubles(n);
    ref_fill(p, n, -1, 1, &r);
    ref_fill(g, n, -1, 1, &r);
    const float lr = 0.1f;
    double *b = ref_doubles(n), *q = ref_doubles(n);
    for (long i = 0; i < n; i++) q[i] = p[i];
    // Two steps: the first sets the momentum buffer to the gradient, the second blends.
    for (int step = 0; step < 2; step++) {
        for (long i = 0; i < n; i++) {
            double d = g[i] + decay * q[i];
            if (momentum != 0) {
                b[i] = step == 0 ? d : momentum * b[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * b[i] : b[i];
            }
            q[i] -= lr * d;
        }
        ck_sgd_step(p, g, momentum != 0 ? buf : NULL, n, lr, momentum, dampening, decay, nesterov, step == 0);
    }
    for (long i = 0; i < n; i++) { want_p[i] = q[i]; want_buf[i] = b[i]; }
    ref_expect_close(name, p, want_p, n, 1e-6, 1e-5);
    if (momentum != 0) {
        char label[96];
        snprintf(label, sizeof label, "%s, buffer", name);
        ref_expect_close(label, buf, want_buf, n, 1e-6, 1e-5);
    }
    free(p); free(g); free(buf); free(want_p); free(want_buf); free(b); free(q);
}

static void check_adam(const char *name, float l2, float weight_decay) {
    const long n = 40000;
    ref_rng r = {(uint64_t)(100 + l2 * 10 + weight_decay * 100)};
    float *p = ref_floats(n), *g = ref_floats(n), *m = ref_floats(n), *v = ref_floats(n);
    double *q = ref_doubles(n), *mq = ref_doubles(n), *vq = ref_doubles(n);
    ref_fill(p, n, -1, 1, &r);
    for (long i = 0; i < n; i++) q[i] = p[i];
    const double lr = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    for (int t = 1; t <= 3; t++) {
        ref_fill(g, n, -1, 1, &r);
        const double step_size = lr / (1 - pow(beta1, t)), bc2 = sqrt(1 - pow(beta2, t));
        for (long i = 0; i < n; i++) {
            double x = q[i] * (1 - lr * weight_decay), d = g[i] + l2 * x;
            mq[i] = beta1 * mq[i] + (1 - beta1) * d;
            vq[i] = beta2 * vq[i] + (1 - beta2) * d * d;
            q[i] = x - step_size * mq[i] / (sqrt(vq[i]) / bc2 + eps);
        }
        ck_adam_step(p, g, m, v, n, (float)step_size, (float)bc2, (float)beta1, (float)beta2, (float)eps, l2,
                     (float)(1 - lr * weight_decay));
    }
    ref_expect_close(name, p, q, n, 1e-6, 1e-5);
    free(p); free(g); free(m); free(v); free(q); free(mq); free(vq);
}

static void check_norms(void) {
    const long n = 200000;  // several blocks of the fixed-order sum
    ref_rng r = {23};
    float *x = ref_floats(n);
    double *want = ref_doubles(n), s = 0;
    ref_fill(x, n, -2, 2, &r);
    for (long i = 0; i < n; i++) s += (double)x[i] * x[i];
    char detail[96];
    double got = ck_sum_squares(x, n);
    snprintf(detail, sizeof detail, "%.17g, reference %.17g", got, s);
    ref_expect("optim/sum of squares", fabs(got - s) <= 1e-12 * s, detail);
    for (long i = 0; i < n; i++) want[i] = x[i] * 0.25;
    ck_scale(x, n, 0.25f);
    ref_expect_close("optim/scale", x, want, n, 0, 0);
    free(x); free(want);
}

void test_optim(void) {
    check_sgd("optim/sgd", 0, 0, 0, 0);
    check_sgd("optim/sgd momentum, dampening, weight decay", 0.9f, 0.1f, 0.01f, 0);
    check_sgd("optim/sgd nesterov", 0.9f, 0, 0, 1);
    check_adam("optim/adam", 0, 0);
    check_adam("optim/adam l2", 0.01f, 0);
    check_adam("optim/adamw", 0, 0.05f);
    check_norms();
}
