// Volume kernels: Gaussian smoothing and the median filter by definition, percentiles against a sort,
// resampling that must keep a linear ramp linear, warps by a shift (as affine map and as displacement
// field), and the Poisson image interpolation's discrete equation on its solution.
#include "reference.h"
#include "ck_anomalies.h"
#include "ck_volumes.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ascending(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

enum { NX = 7, NY = 6, NZ = 5, VOXELS = NX * NY * NZ };

static size_t at(int x, int y, int z) { return (size_t)x + NX * ((size_t)y + NY * (size_t)z); }

static void check_gaussian(void) {
    const float sigma[3] = {1.0f, 0.6f, 0.0f};   // z is left alone
    ref_rng r = {43};
    float in[VOXELS], out[VOXELS];
    double a[VOXELS], b[VOXELS];
    ref_fill(in, VOXELS, 0, 1, &r);
    for (int i = 0; i < VOXELS; i++) a[i] = in[i];
    // One axis at a time: weights exp(-k^2 / 2 sigma^2) for |k| <= ceil(3 sigma), renormalised at borders.
    const int dims[3] = {NX, NY, NZ};
    for (int axis = 0; axis < 3; axis++) {
        if (sigma[axis] <= 0) continue;
        const int radius = (int)ceil(3 * sigma[axis]);
        for (int z = 0; z < NZ; z++)
            for (int y = 0; y < NY; y++)
                for (int x = 0; x < NX; x++) {
                    int p[3] = {x, y, z};
                    double sum = 0, norm = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int q[3] = {x, y, z};
                        q[axis] = p[axis] + k;
                        if (q[axis] < 0 || q[axis] >= dims[axis]) continue;
                        double w = exp(-0.5 * k * k / ((double)sigma[axis] * sigma[axis]));
                        sum += w * a[at(q[0], q[1], q[2])];
                        norm += w;
                    }
                    b[at(x, y, z)] = sum / norm;
                }
        memcpy(a, b, sizeof a);
    }
    int status = ck_gaussian(in, NX, NY, NZ, sigma, out);
    ref_expect("volumes/gaussian status", status == 0, "allocation failed");
    ref_expect_close("volumes/gaussian", out, a, VOXELS, 1e-6, 1e-5);
}

static void check_median(void) {
    ref_rng r = {47};
    float in[VOXELS], out[VOXELS], window[27];
    double want[VOXELS];
    ref_fill(in, VOXELS, 0, 1, &r);
    for (int z = 0; z < NZ; z++)
        for (int y = 0; y < NY; y++)
            for (int x = 0; x < NX; x++) {
                int n = 0;
                for (int k = z - 1; k <= z + 1; k++)
                    for (int j = y - 1; j <= y + 1; j++)
                        for (int i = x - 1; i <= x + 1; i++)
                            if (i >= 0 && i < NX && j >= 0 && j < NY && k >= 0 && k < NZ) window[n++] = in[at(i, j, k)];
                qsort(window, n, sizeof(float), ascending);
                want[at(x, y, z)] = n % 2 ? window[n / 2] : 0.5f * (window[n / 2 - 1] + window[n / 2]);
            }
    int status = ck_median(in, NX, NY, NZ, 1, out);
    ref_expect("volumes/median status", status == 0, "allocation failed");
    ref_expect_close("volumes/median", out, want, VOXELS, 0, 0);
}

static void check_percentile(void) {
    ref_rng r = {53};
    const size_t n = 101;
    float values[101], sorted[101];
    ref_fill(values, n, -3, 3, &r);
    memcpy(sorted, values, sizeof values);
    qsort(sorted, n, sizeof(float), ascending);
    const double qs[5] = {0, 12.5, 50, 99.3, 100};
    float got[5];
    double want[5];
    for (int i = 0; i < 5; i++) {
        float scratch[101];
        memcpy(scratch, values, sizeof values);
        got[i] = ck_percentile(scratch, n, qs[i]);
        double position = qs[i] / 100 * (n - 1), fraction = position - floor(position);
        size_t k = (size_t)position;
        want[i] = sorted[k] + (k + 1 < n ? fraction * ((double)sorted[k + 1] - sorted[k]) : 0);
    }
    ref_expect_close("volumes/percentile", got, want, 5, 1e-6, 1e-6);
}

static void check_resample(void) {
    // f(x, y, z) = 0.5 x - 0.25 y + 0.125 z + 1 on the input grid stays f at the mapped positions.
    enum { MX = 11, MY = 4, MZ = 3 };
    float in[VOXELS], out[MX * MY * MZ];
    double want[MX * MY * MZ];
    for (int z = 0; z < NZ; z++)
        for (int y = 0; y < NY; y++)
            for (int x = 0; x < NX; x++) in[at(x, y, z)] = 0.5f * x - 0.25f * y + 0.125f * z + 1;
    for (int z = 0; z < MZ; z++)
        for (int y = 0; y < MY; y++)
            for (int x = 0; x < MX; x++) {
                double px = x * (NX - 1.0) / (MX - 1), py = y * (NY - 1.0) / (MY - 1), pz = z * (NZ - 1.0) / (MZ - 1);
                want[x + MX * (y + MY * z)] = 0.5 * px - 0.25 * py + 0.125 * pz + 1;
            }
    ck_resample(in, NX, NY, NZ, out, MX, MY, MZ, 0);
    ref_expect_close("volumes/resample keeps a ramp linear", out, want, MX * MY * MZ, 1e-5, 1e-5);
    float same[VOXELS];
    ck_resample(in, NX, NY, NZ, same, NX, NY, NZ, 1);
    ref_expect_close_f("volumes/nearest resample to the same grid", same, in, VOXELS, 0, 0);
}

static void check_warp(void) {
    ref_rng r = {59};
    float in[VOXELS], out[VOXELS], field[3 * 8] = {0};
    double want[VOXELS];
    ref_fill(in, VOXELS, 0, 1, &r);
    // out(x, y, z) = in(x + 1, y, z); the last column reads beyond the edge and gets the fill value.
    for (int z = 0; z < NZ; z++)
        for (int y = 0; y < NY; y++)
            for (int x = 0; x < NX; x++) want[at(x, y, z)] = x + 1 < NX ? in[at(x + 1, y, z)] : -1;
    const float shift[12] = {1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0}, identity[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
    ck_warp(in, NX, NY, NZ, out, shift, NULL, 0, 0, 0, 0, -1);
    ref_expect_close("volumes/warp by an affine shift", out, want, VOXELS, 1e-6, 1e-6);
    for (int i = 0; i < 8; i++) field[i] = 1;   // x component 1 at all 2x2x2 control points
    ck_warp(in, NX, NY, NZ, out, identity, field, 2, 2, 2, 1, -1);
    ref_expect_close("volumes/warp by a displacement field, nearest", out, want, VOXELS, 0, 0);
}

static void check_poisson(void) {
    ref_rng r = {61};
    float target[VOXELS], source[VOXELS], out[VOXELS];
    uint8_t region[VOXELS] = {0};
    ref_fill(target, VOXELS, 0, 1, &r);
    ref_fill(source, VOXELS, 0, 1, &r);
    for (int z = 1; z < 4; z++)
        for (int y = 1; y < 5; y++)
            for (int x = 2; x < 6; x++) region[at(x, y, z)] = 1;
    region[at(0, 0, 0)] = 1;   // a corner voxel: fewer neighbours
    const float alpha = 0.6f;
    double residual;
    int iterations = ck_anom_poisson_interpolate(NX, NY, NZ, target, source, region, alpha, 1e-9, 500, out, &residual);
    // For every unknown p: sum over in-box neighbours q of (f_p - f_q - v_pq) = 0.
    double worst = 0, scale = 0;
    int outside_kept = 1;
    for (int z = 0; z < NZ; z++)
        for (int y = 0; y < NY; y++)
            for (int x = 0; x < NX; x++) {
                size_t p = at(x, y, z);
                if (!region[p]) { outside_kept &= out[p] == target[p]; continue; }
                const int d[6][3] = {{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};
                double sum = 0;
                for (int k = 0; k < 6; k++) {
                    int qx = x + d[k][0], qy = y + d[k][1], qz = z + d[k][2];
                    if (qx < 0 || qx >= NX || qy < 0 || qy >= NY || qz < 0 || qz >= NZ) continue;
                    size_t q = at(qx, qy, qz);
                    double a = (1 - alpha) * ((double)target[p] - target[q]), c = alpha * ((double)source[p] - source[q]);
                    sum += (double)out[p] - out[q] - (fabs(a) > fabs(c) ? a : c);
                    scale += fabs(a) + fabs(c);
                }
                worst = fmax(worst, fabs(sum));
            }
    char detail[128];
    snprintf(detail, sizeof detail, "%d iterations, residual %g, worst equation %g of scale %g, outside %s", iterations,
             residual, worst, scale, outside_kept ? "kept" : "changed");
    ref_expect("volumes/poisson interpolation solves its equation", iterations > 0 && residual < 1e-6 &&
               worst < 1e-5 && outside_kept, detail);
}

void test_volumes(void) {
    check_gaussian();
    check_median();
    check_percentile();
    check_resample();
    check_warp();
    check_poisson();
}
