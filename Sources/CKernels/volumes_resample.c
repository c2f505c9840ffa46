// Trilinear / nearest resampling and warping of volumes (OpenMP over output slices).
#include "ck_volumes.h"

#include <math.h>

static inline float sample(const float *in, int nx, int ny, int nz, float x, float y, float z,
                           int nearest, float fill) {
    // Positions within half a voxel outside the edge clamp to the edge, farther ones get `fill`.
    if (x < -0.5f || y < -0.5f || z < -0.5f || x > nx - 0.5f || y > ny - 0.5f || z > nz - 0.5f) return fill;
    if (nearest) {
        int ix = (int)lrintf(x), iy = (int)lrintf(y), iz = (int)lrintf(z);
        ix = ix < 0 ? 0 : ix >= nx ? nx - 1 : ix;
        iy = iy < 0 ? 0 : iy >= ny ? ny - 1 : iy;
        iz = iz < 0 ? 0 : iz >= nz ? nz - 1 : iz;
        return in[(size_t)ix + (size_t)nx * ((size_t)iy + (size_t)ny * iz)];
    }
    x = x < 0 ? 0 : x > nx - 1 ? nx - 1 : x;
    y = y < 0 ? 0 : y > ny - 1 ? ny - 1 : y;
    z = z < 0 ? 0 : z > nz - 1 ? nz - 1 : z;
    int x0 = (int)x, y0 = (int)y, z0 = (int)z;
    int x1 = x0 + 1 < nx ? x0 + 1 : x0, y1 = y0 + 1 < ny ? y0 + 1 : y0, z1 = z0 + 1 < nz ? z0 + 1 : z0;
    float fx = x - x0, fy = y - y0, fz = z - z0;
    const size_t sy = (size_t)nx, sz = (size_t)nx * ny;
    const float *p = in;
    float c00 = p[x0 + y0 * sy + z0 * sz] * (1 - fx) + p[x1 + y0 * sy + z0 * sz] * fx;
    float c10 = p[x0 + y1 * sy + z0 * sz] * (1 - fx) + p[x1 + y1 * sy + z0 * sz] * fx;
    float c01 = p[x0 + y0 * sy + z1 * sz] * (1 - fx) + p[x1 + y0 * sy + z1 * sz] * fx;
    float c11 = p[x0 + y1 * sy + z1 * sz] * (1 - fx) + p[x1 + y1 * sy + z1 * sz] * fx;
    float c0 = c00 * (1 - fy) + c10 * fy, c1 = c01 * (1 - fy) + c11 * fy;
    return c0 * (1 - fz) + c1 * fz;
}

static inline float axis_scale(int n_in, int n_out) {
    return n_out > 1 ? (float)(n_in - 1) / (float)(n_out - 1) : 0;
}

static inline float axis_offset(int n_in, int n_out) {
    return n_out > 1 ? 0 : 0.5f * (n_in - 1);   // a single output sample sits in the middle
}

void ck_resample(const float *in, int nx, int ny, int nz, float *out, int mx, int my, int mz, int nearest) {
    const float ax = axis_scale(nx, mx), ay = axis_scale(ny, my), az = axis_scale(nz, mz);
    const float bx = axis_offset(nx, mx), by = axis_offset(ny, my), bz = axis_offset(nz, mz);
#pragma omp parallel for schedule(static)
    for (int z = 0; z < mz; z++)
        for (int y = 0; y < my; y++)
            for (int x = 0; x < mx; x++)
                out[(size_t)x + (size_t)mx * ((size_t)y + (size_t)my * z)] =
                    sample(in, nx, ny, nz, ax * x + bx, ay * y + by, az * z + bz, nearest, 0);
}

void ck_warp(const float *in, int nx, int ny, int nz, float *out, const float A[12],
             const float *displacement, int gx, int gy, int gz, int nearest, float fill) {
    // Control point (i, j, k) sits at output voxel (i * (nx-1)/(gx-1), ...).
    const float cx = gx > 1 && nx > 1 ? (float)(gx - 1) / (nx - 1) : 0;
    const float cy = gy > 1 && ny > 1 ? (float)(gy - 1) / (ny - 1) : 0;
    const float cz = gz > 1 && nz > 1 ? (float)(gz - 1) / (nz - 1) : 0;
#pragma omp parallel for schedule(static)
    for (int z = 0; z < nz; z++)
        for (int y = 0; y < ny; y++)
            for (int x = 0; x < nx; x++) {
                float px = A[0] * x + A[1] * y + A[2] * z + A[3];
                float py = A[4] * x + A[5] * y + A[6] * z + A[7];
                float pz = A[8] * x + A[9] * y + A[10] * z + A[11];
                if (displacement) {
                    // Each component lives in its own gx*gy*gz plane.
                    const size_t plane = (size_t)gx * gy * gz;
                    px += sample(displacement, gx, gy, gz, x * cx, y * cy, z * cz, 0, 0);
                    py += sample(displacement + plane, gx, gy, gz, x * cx, y * cy, z * cz, 0, 0);
                    pz += sample(displacement + 2 * plane, gx, gy, gz, x * cx, y * cy, z * cz, 0, 0);
                }
                out[(size_t)x + (size_t)nx * ((size_t)y + (size_t)ny * z)] =
                    sample(in, nx, ny, nz, px, py, pz, nearest, fill);
            }
}
