// Attention with each (sample, head) pair a job of its own on the team, as llm.c's attention kernels
// take one (batch, head) per thread. The products read q, k and v where the qkv projection wrote
// them and write each head where the output projection reads it, so nothing is permuted into a
// heads-first copy; the backward writes the gradient of qkv whole, rather than as three zero-padded
// gradients of its slices summed.
#include "ck_attention.h"
#include "blas_serial.h"
#include "parallel.h"
#include "softmax_row.h"
#include <stdlib.h>

// One pair: q, k, v and out point at the pair's first row; rows of qkv are 3D apart, of out D apart.
static inline __attribute__((always_inline)) void forward_pair(const float *q, const float *mask, float *w, float *out,
                                                               int L, int D, int Dh, float scale, int sigmoid,
                                                               float shift) {
    const float *k = q + D, *v = q + 2 * D;
    if (mask) memcpy(w, mask, sizeof(float) * L * L);
    ck_sgemm_serial(L, L, Dh, scale, q, 0, 3 * D, k, 1, 3 * D, mask ? 1.0f : 0.0f, w, L);
    if (sigmoid) {
        _Pragma("omp simd")
        for (long i = 0; i < (long)L * L; i++) w[i] = ck_sigmoid(w[i] - shift);
    } else {
        for (long i = 0; i < L; i++) softmax_row(w + i * L, w + i * L, L, 1, 0);
    }
    ck_sgemm_serial(L, Dh, L, 1.0f, w, 0, L, v, 0, 3 * D, 0.0f, out, D);
}

// dv = wᵀ·dout; ds = the weighting's backward of dw = dout·vᵀ (in the scratch dw); dq = scale·ds·k;
// dk = scale·dsᵀ·q.
static inline __attribute__((always_inline)) void backward_pair(const float *q, const float *w, const float *d_out,
                                                                float *d_q, float *dw, int L, int D, int Dh,
                                                                float scale, int sigmoid) {
    const float *k = q + D, *v = q + 2 * D;
    ck_sgemm_serial(L, Dh, L, 1.0f, w, 1, L, d_out, 0, D, 0.0f, d_q + 2 * D, 3 * D);
    ck_sgemm_serial(L, L, Dh, 1.0f, d_out, 0, D, v, 1, 3 * D, 0.0f, dw, L);
    if (sigmoid) {
        _Pragma("omp simd")
        for (long i = 0; i < (long)L * L; i++) dw[i] *= w[i] * (1.0f - w[i]);
    } else {
        for (long i = 0; i < L; i++) softmax_row_backward(w + i * L, dw + i * L, dw + i * L, L, 1, 0);
    }
    ck_sgemm_serial(L, Dh, L, scale, dw, 0, L, k, 0, 3 * D, 0.0f, d_q, 3 * D);
    ck_sgemm_serial(L, Dh, L, scale, dw, 1, L, q, 0, 3 * D, 0.0f, d_q + D, 3 * D);
}

CK_VECTORISED static void forward_team(const float *qkv, const float *mask, float *weights, float *out, int B, int L,
                                       int H, int Dh, float scale, int sigmoid, float shift) {
    const int D = H * Dh;
    #pragma omp for schedule(static)
    for (long p = 0; p < (long)B * H; p++) {
        const long b = p / H, h = p % H;
        forward_pair(qkv + b * L * 3 * D + h * Dh, mask, weights + p * L * L, out + b * L * D + h * Dh, L, D, Dh,
                     scale, sigmoid, shift);
    }
}

CK_VECTORISED static void backward_team(const float *qkv, const float *weights, const float *d_out, float *d_qkv,
                                        float *scratch, int B, int L, int H, int Dh, float scale, int sigmoid) {
    const int D = H * Dh;
    float *dw = scratch + (long)omp_get_thread_num() * L * L;
    #pragma omp for schedule(static)
    for (long p = 0; p < (long)B * H; p++) {
        const long b = p / H, h = p % H;
        backward_pair(qkv + b * L * 3 * D + h * Dh, weights + p * L * L, d_out + b * L * D + h * Dh,
                      d_qkv + b * L * 3 * D + h * Dh, dw, L, D, Dh, scale, sigmoid);
    }
}

// Pairs too small to be worth waking the team stay on the calling thread.
static int parallel(int B, int L, int H, int Dh) { return (double)B * H * L * L * Dh >= 1 << 18; }

void ck_attention_forward(const float *qkv, const float *mask, float *weights, float *out,
                          int B, int L, int H, int Dh, float scale, int sigmoid, float shift) {
    #pragma omp parallel if (parallel(B, L, H, Dh))
    forward_team(qkv, mask, weights, out, B, L, H, Dh, scale, sigmoid, shift);
}

int ck_attention_backward(const float *qkv, const float *weights, const float *d_out, float *d_qkv,
                          int B, int L, int H, int Dh, float scale, int sigmoid) {
    const int threads = parallel(B, L, H, Dh) ? omp_get_max_threads() : 1;
    float *scratch = malloc(sizeof(float) * L * L * threads);
    if (!scratch) return -1;
    #pragma omp parallel num_threads(threads)
    backward_team(qkv, weights, d_out, d_qkv, scratch, B, L, H, Dh, scale, sigmoid);
    free(scratch);
    return 0;
}
