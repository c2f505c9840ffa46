// Selective scan forward and backward against mamba_ssm's selective_scan_ref, straight from the
// formulas of ck_scan.h in double, with the backward by reverse mode through the recurrence over all
// stored states. Shapes cross the chunk (16 positions), the 8-channel block and the 32-state tile.
#include "reference.h"
#include "ck_runtime.h"
#include "ck_scan.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int B, L, Dch, N, softplus;
    float *u, *delta, *A, *Bm, *Cm, *D, *z, *bias;   // D, z, bias NULL when absent
} scan_case;

static double sigmoid(double v) { return 1 / (1 + exp(-v)); }
static double softplus(double v) { return v > 20 ? v : log1p(exp(v)); }

// Reference gradients, laid out like ck_scan_grads.
typedef struct { double *du, *ddelta, *dA, *dBm, *dCm, *dD, *dz, *dbias; } scan_reference;

static void reference(const scan_case *c, const float *dout, double *out, scan_reference *g) {
    const int L = c->L, Dch = c->Dch, N = c->N;
    double *h = ref_doubles((size_t)(L + 1) * N);   // h[t + 1] = state after position t, h[0] = 0
    double *ys = ref_doubles(L), *gh = ref_doubles(N);   // y before the gate; dL/dh carried backwards
    for (int b = 0; b < c->B; b++)
        for (int d = 0; d < Dch; d++) {
            for (int t = 0; t < L; t++) {
                size_t i = ((size_t)b * L + t) * Dch + d, row = ((size_t)b * L + t) * N;
                double x = c->delta[i] + (c->bias ? c->bias[d] : 0), dt = c->softplus ? softplus(x) : x;
                double y = (c->D ? c->D[d] : 0) * c->u[i];
                for (int n = 0; n < N; n++) {
                    h[(t + 1) * N + n] = exp(dt * c->A[d * N + n]) * h[t * N + n] + dt * c->Bm[row + n] * c->u[i];
                    y += c->Cm[row + n] * h[(t + 1) * N + n];
                }
                ys[t] = y;
                out[i] = c->z ? y * c->z[i] * sigmoid(c->z[i]) : y;
            }
            memset(gh, 0, sizeof(double) * N);
            for (int t = L - 1; t >= 0; t--) {
                size_t i = ((size_t)b * L + t) * Dch + d, row = ((size_t)b * L + t) * N;
                double x = c->delta[i] + (c->bias ? c->bias[d] : 0), dt = c->softplus ? softplus(x) : x;
                double dsp = c->softplus ? (x > 20 ? 1 : sigmoid(x)) : 1, u = c->u[i], dy = dout[i];
                if (c->z) {
                    double zv = c->z[i], s = sigmoid(zv);
                    g->dz[i] = dy * ys[t] * s * (1 + zv * (1 - s));
                    dy *= zv * s;
                }
                double du = dy * (c->D ? c->D[d] : 0), ddt = 0;
                if (c->D) g->dD[d] += dy * u;
                for (int n = 0; n < N; n++) {
                    double a = c->A[d * N + n], decay = exp(dt * a), prev = h[t * N + n];
                    gh[n] += dy * c->Cm[row + n];
                    g->dCm[row + n] += dy * h[(t + 1) * N + n];
                    g->dBm[row + n] += gh[n] * dt * u;
                    du += gh[n] * dt * c->Bm[row + n];
                    ddt += gh[n] * (a * decay * prev + c->Bm[row + n] * u);
                    g->dA[d * N + n] += gh[n] * dt * decay * prev;
                    gh[n] *= decay;
                }
                g->du[i] = du;
                g->ddelta[i] = ddt * dsp;
                if (c->bias) g->dbias[d] += g->ddelta[i];
            }
        }
    free(h);
    free(ys);
    free(gh);
}

static void check(int B, int L, int Dch, int N, int softplus_on, int with_extras) {
    ref_rng r = {(uint64_t)(B * 1000 + L * 37 + Dch * 5 + N + softplus_on * 2 + with_extras)};
    const size_t BLD = (size_t)B * L * Dch, BLN = (size_t)B * L * N;
    scan_case c = {B, L, Dch, N, softplus_on, ref_floats(BLD), ref_floats(BLD), ref_floats((size_t)Dch * N),
                   ref_floats(BLN), ref_floats(BLN), NULL, NULL, NULL};
    for (size_t i = 0; i < BLD; i++) c.u[i] = (float)ref_normal(&r);
    ref_fill(c.delta, BLD, softplus_on ? -4 : 0.02, softplus_on ? 1 : 0.6, &r);
    for (int i = 0; i < Dch * N; i++) c.A[i] = (float)(-(i % N + 1) * ref_uniform(&r, 0.3, 1.2));
    for (size_t i = 0; i < BLN; i++) { c.Bm[i] = (float)ref_normal(&r); c.Cm[i] = (float)ref_normal(&r); }
    if (with_extras) {
        c.D = ref_floats(Dch);
        c.z = ref_floats(BLD);
        c.bias = ref_floats(Dch);
        for (int d = 0; d < Dch; d++) c.D[d] = (float)ref_normal(&r);
        for (size_t i = 0; i < BLD; i++) c.z[i] = (float)(1.5 * ref_normal(&r));
        ref_fill(c.bias, Dch, -0.3, 0.3, &r);
    }
    float *dout = ref_floats(BLD);
    for (size_t i = 0; i < BLD; i++) dout[i] = (float)ref_normal(&r);
    double *want = ref_doubles(BLD);
    scan_reference g = {ref_doubles(BLD), ref_doubles(BLD), ref_doubles((size_t)Dch * N), ref_doubles(BLN),
                        ref_doubles(BLN), ref_doubles(Dch), ref_doubles(BLD), ref_doubles(Dch)};
    reference(&c, dout, want, &g);

    ck_scan_inputs in = {B, L, Dch, N, softplus_on, c.u, c.delta, c.A, c.Bm, c.Cm, c.D, c.z, c.bias};
    float *out = ref_floats(BLD), *checkpoints = ref_floats(ck_selective_scan_checkpoint_floats(B, L, Dch, N));
    float *scratch = ref_floats(ck_selective_scan_scratch_floats(B, L, Dch, N));
    ck_scan_grads gr = {ref_floats(BLD), ref_floats(BLD), ref_floats((size_t)Dch * N), ref_floats(BLN), ref_floats(BLN),
                        ref_floats(Dch), ref_floats(BLD), ref_floats(Dch)};
    ck_selective_scan_forward(&in, out, checkpoints);
    ck_selective_scan_backward(&in, dout, checkpoints, scratch, &gr);

    char label[128], shape[64];
    snprintf(shape, sizeof shape, "B%d L%d D%d N%d%s%s", B, L, Dch, N, softplus_on ? " softplus" : "",
             with_extras ? " z D bias" : "");
#define EXPECT(what, got, ref, n)                                                    \
    do {                                                                             \
        snprintf(label, sizeof label, "scan/%s %s", shape, what);                    \
        ref_expect_close(label, got, ref, n, 2e-4, 2e-4);                            \
    } while (0)
    EXPECT("forward", out, want, BLD);
    EXPECT("du", gr.du, g.du, BLD);
    EXPECT("ddelta", gr.ddelta, g.ddelta, BLD);
    EXPECT("dA", gr.dA, g.dA, (size_t)Dch * N);
    EXPECT("dBm", gr.dBm, g.dBm, BLN);
    EXPECT("dCm", gr.dCm, g.dCm, BLN);
    if (with_extras) {
        EXPECT("dD", gr.dD, g.dD, (size_t)Dch);
        EXPECT("dz", gr.dz, g.dz, BLD);
        EXPECT("ddelta_bias", gr.ddelta_bias, g.dbias, (size_t)Dch);
    }
#undef EXPECT
    // The same bits for a team of 1 (the reductions run in a fixed order).
    float *again = ref_floats((size_t)Dch * N);
    const int threads = ck_get_max_threads();
    ck_scan_grads one = gr;
    one.dA = again;
    ck_set_num_threads(1);
    ck_selective_scan_backward(&in, dout, checkpoints, scratch, &one);
    ck_set_num_threads(threads);
    snprintf(label, sizeof label, "scan/%s dA independent of the team size", shape);
    ref_expect_close_f(label, again, gr.dA, (size_t)Dch * N, 0, 0);

    free(again); free(out); free(checkpoints); free(scratch); free(dout); free(want);
    free(c.u); free(c.delta); free(c.A); free(c.Bm); free(c.Cm); free(c.D); free(c.z); free(c.bias);
    free(gr.du); free(gr.ddelta); free(gr.dA); free(gr.dBm); free(gr.dCm); free(gr.dD); free(gr.dz); free(gr.ddelta_bias);
    free(g.du); free(g.ddelta); free(g.dA); free(g.dBm); free(g.dCm); free(g.dD); free(g.dz); free(g.dbias);
}

void test_scan(void) {
    check(2, 37, 11, 3, 1, 1);    // three chunks, a part block, softplus, every optional input
    check(1, 16, 8, 5, 0, 0);     // one chunk, one whole block, none of them
    check(2, 20, 70, 40, 1, 1);   // two channel groups of the backward, two state tiles of the forward
}
