// The sub-pixel form of a 3x3x3 'same' convolution of a volume upsampled x2 by nearest neighbour
// (see ck_conv.h): along each axis, the output voxel 2i + p reads the coarse voxels i - 1 + p and i + p
// only, so every phase p in {0, 1}^3 is a 2x2x2 convolution of the coarse volume with folded filters.
#include <string.h>
#include "ck_conv.h"
#include "parallel.h"

// The 2-tap that 3-tap k folds into along an axis: phase 0 reads the coarse voxel before (tap 0) and
// its own (taps 1 and 2); phase 1 its own (taps 0 and 1) and the next (tap 2).
static inline long folded_tap(long phase, long k) { return phase == 0 ? k > 0 : k == 2; }

// The folded 2x2x2 tap of phase (pd, ph, pw) that the 3x3x3 tap k adds into.
static inline long folded_index(long phase, long k) {
    return folded_tap(phase >> 2, k / 9) * 4 + folded_tap(phase >> 1 & 1, k / 3 % 3) * 2 + folded_tap(phase & 1, k % 3);
}

void ck_subpixel_fold_forward(const float *w, float *ws, long CO, long CI) {
    for (long phase = 0; phase < 8; phase++)
        for (long oi = 0; oi < CO * CI; oi++) {
            const float *f = w + oi * 27;
            float *g = ws + (phase * CO * CI + oi) * 8;   // row phase*CO + o, column i
            for (long t = 0; t < 8; t++) g[t] = 0;
            for (long k = 0; k < 27; k++) g[folded_index(phase, k)] += f[k];
        }
}

void ck_subpixel_fold_backward(const float *dws, float *dw, long CO, long CI) {
    for (long oi = 0; oi < CO * CI; oi++) {
        float *f = dw + oi * 27;
        for (long k = 0; k < 27; k++) {
            float s = 0;
            for (long phase = 0; phase < 8; phase++) s += dws[(phase * CO * CI + oi) * 8 + folded_index(phase, k)];
            f[k] = s;
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

// to_fine = 1: fine <- the phases of ys interleaved; 0: ys <- fine scattered back to the phases, zero
// on the face of each phase's (D+1)(H+1)(W+1) block that no fine voxel reads.
CK_VECTORISED static void interleave_team(float *ys, float *fine, long N, long CO, long D, long H, long W, int to_fine) {
    const long plane = (D + 1) * (H + 1) * (W + 1);
    if (!to_fine) {
#pragma omp for schedule(static)
        for (long p = 0; p < N * 8 * CO; p++) memset(ys + p * plane, 0, plane * sizeof(float));
    }
#pragma omp for collapse(3) schedule(static)
    for (long n = 0; n < N; n++)
        for (long o = 0; o < CO; o++)
            for (long z = 0; z < 2 * D; z++)
                for (long y = 0; y < 2 * H; y++) {
                    long r0, r1;
                    phase_rows(n, o, z, y, CO, D, H, W, &r0, &r1);
                    float *restrict a = ys + r0, *restrict b = ys + r1;
                    float *restrict row = fine + (((n * CO + o) * 2 * D + z) * 2 * H + y) * 2 * W;
                    if (to_fine) {
                        for (long k = 0; k < W; k++) { row[2 * k] = a[k]; row[2 * k + 1] = b[k]; }
                    } else {
                        for (long k = 0; k < W; k++) { a[k] = row[2 * k]; b[k] = row[2 * k + 1]; }
                    }
                }
}

// The casts drop a const the direction keeps: to_fine = 1 only reads ys, 0 only reads fine.
void ck_subpixel_interleave_forward(const float *ys, float *out, long N, long CO, long D, long H, long W) {
#pragma omp parallel
    interleave_team((float *)ys, out, N, CO, D, H, W, 1);
}

void ck_subpixel_interleave_backward(const float *dout, float *dys, long N, long CO, long D, long H, long W) {
#pragma omp parallel
    interleave_team(dys, (float *)dout, N, CO, D, H, W, 0);
}
