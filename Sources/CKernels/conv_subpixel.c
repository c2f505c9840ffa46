// The sub-pixel form of a 3x3x3 'same' convolution of a volume upsampled x2 by nearest neighbour
// (see ck_conv.h): along each axis, the output voxel 2i + p reads the coarse voxels i - 1 + p and i + p
// only, so every phase p in {0, 1}^3 is a 2x2x2 convolution of the coarse volume with folded filters.
#include <string.h>
#include "ck_conv.h"
#include "parallel.h"

// FOLD[p][t][k]: the weight of 3-tap k in 2-tap t of phase p along one axis. Phase 0 reads the coarse
// voxel before (tap 0) and its own (taps 1 and 2); phase 1 its own (taps 0 and 1) and the next (tap 2).
static const float FOLD[2][2][3] = {{{1, 0, 0}, {0, 1, 1}}, {{1, 1, 0}, {0, 0, 1}}};

static inline long phase_row(long phase, long o, long i, long CO, long CI) { return (phase * CO + o) * CI + i; }

void ck_subpixel_fold_forward(const float *w, float *ws, long CO, long CI) {
    for (long phase = 0; phase < 8; phase++) {
        const long pd = phase >> 2, ph = phase >> 1 & 1, pw = phase & 1;
        for (long oi = 0; oi < CO * CI; oi++) {
            const float *f = w + oi * 27;
            float *g = ws + phase_row(phase, oi / CI, oi % CI, CO, CI) * 8;
            for (long t = 0; t < 8; t++) {
                const float *ad = FOLD[pd][t >> 2], *ah = FOLD[ph][t >> 1 & 1], *aw = FOLD[pw][t & 1];
                float s = 0;
                for (long k = 0; k < 27; k++) s += ad[k / 9] * ah[k / 3 % 3] * aw[k % 3] * f[k];
                g[t] = s;
            }
        }
    }
}

void ck_subpixel_fold_backward(const float *dws, float *dw, long CO, long CI) {
    memset(dw, 0, CO * CI * 27 * sizeof(float));
    for (long phase = 0; phase < 8; phase++) {
        const long pd = phase >> 2, ph = phase >> 1 & 1, pw = phase & 1;
        for (long oi = 0; oi < CO * CI; oi++) {
            const float *g = dws + phase_row(phase, oi / CI, oi % CI, CO, CI) * 8;
            float *f = dw + oi * 27;
            for (long t = 0; t < 8; t++) {
                const float *ad = FOLD[pd][t >> 2], *ah = FOLD[ph][t >> 1 & 1], *aw = FOLD[pw][t & 1];
                for (long k = 0; k < 27; k++) f[k] += ad[k / 9] * ah[k / 3 % 3] * aw[k % 3] * g[t];
            }
        }
    }
}

// The two phase rows (pw = 0, 1) that fine row (z, y) of output channel o of image n interleaves.
static inline void phase_rows(long n, long o, long z, long y, long CO, long D, long H, long W, long *r0, long *r1) {
    const long pd = z & 1, ph = y & 1, cz = (z >> 1) + pd, cy = (y >> 1) + ph;
    const long plane = (D + 1) * (H + 1) * (W + 1), row = (cz * (H + 1) + cy) * (W + 1);
    const long base = n * 8 * CO, phase = pd * 4 + ph * 2;
    *r0 = (base + phase * CO + o) * plane + row;
    *r1 = (base + (phase + 1) * CO + o) * plane + row + 1;   // phase 1 along w starts one voxel on
}

CK_VECTORISED static void interleave_forward_team(const float *ys, float *out, long N, long CO, long D, long H, long W) {
#pragma omp for collapse(3) schedule(static)
    for (long n = 0; n < N; n++)
        for (long o = 0; o < CO; o++)
            for (long z = 0; z < 2 * D; z++)
                for (long y = 0; y < 2 * H; y++) {
                    long r0, r1;
                    phase_rows(n, o, z, y, CO, D, H, W, &r0, &r1);
                    const float *restrict a = ys + r0, *restrict b = ys + r1;
                    float *restrict dst = out + (((n * CO + o) * 2 * D + z) * 2 * H + y) * 2 * W;
                    for (long k = 0; k < W; k++) {
                        dst[2 * k] = a[k];
                        dst[2 * k + 1] = b[k];
                    }
                }
}

void ck_subpixel_interleave_forward(const float *ys, float *out, long N, long CO, long D, long H, long W) {
#pragma omp parallel
    interleave_forward_team(ys, out, N, CO, D, H, W);
}

CK_VECTORISED static void interleave_backward_team(const float *dout, float *dys, long N, long CO, long D, long H, long W) {
    const long plane = (D + 1) * (H + 1) * (W + 1);
    // Each phase leaves one face of its (D+1)(H+1)(W+1) block unread: zero everything, then fill.
#pragma omp for schedule(static)
    for (long p = 0; p < N * 8 * CO; p++) memset(dys + p * plane, 0, plane * sizeof(float));
#pragma omp for collapse(3) schedule(static)
    for (long n = 0; n < N; n++)
        for (long o = 0; o < CO; o++)
            for (long z = 0; z < 2 * D; z++)
                for (long y = 0; y < 2 * H; y++) {
                    long r0, r1;
                    phase_rows(n, o, z, y, CO, D, H, W, &r0, &r1);
                    float *restrict a = dys + r0, *restrict b = dys + r1;
                    const float *restrict src = dout + (((n * CO + o) * 2 * D + z) * 2 * H + y) * 2 * W;
                    for (long k = 0; k < W; k++) {
                        a[k] = src[2 * k];
                        b[k] = src[2 * k + 1];
                    }
                }
}

void ck_subpixel_interleave_backward(const float *dout, float *dys, long N, long CO, long D, long H, long W) {
#pragma omp parallel
    interleave_backward_team(dout, dys, N, CO, D, H, W);
}
