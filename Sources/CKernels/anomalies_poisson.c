// Poisson image interpolation solve for the PII anomaly (Tan et al., "Detecting Outliers with Poisson
// Image Interpolation", MICCAI 2021); see ck_anomalies.h for the discrete equation.
#include "ck_anomalies.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int nx, ny, nz;
} grid_t;

// Neighbour k of voxel (x,y,z), or -1 outside the box. Order: -x +x -y +y -z +z.
static inline long neighbour(const grid_t *g, int x, int y, int z, long p, int k) {
    switch (k) {
    case 0: return x > 0 ? p - 1 : -1;
    case 1: return x + 1 < g->nx ? p + 1 : -1;
    case 2: return y > 0 ? p - g->nx : -1;
    case 3: return y + 1 < g->ny ? p + g->nx : -1;
    case 4: return z > 0 ? p - (long)g->nx * g->ny : -1;
    default: return z + 1 < g->nz ? p + (long)g->nx * g->ny : -1;
    }
}

static inline float guidance(const float *t, const float *s, long p, long q, float alpha) {
    float a = (1.0f - alpha) * (t[p] - t[q]);
    float c = alpha * (s[p] - s[q]);
    return fabsf(a) > fabsf(c) ? a : c;
}

// y = A x over the unknowns (A: degree on the diagonal, -1 towards unknown neighbours).
static void apply(const grid_t *g, const long *voxel, const int *unknown, const double *diag, const double *x,
                  double *y, int m) {
    for (int i = 0; i < m; i++) {
        long p = voxel[i];
        int px = (int)(p % g->nx), py = (int)((p / g->nx) % g->ny), pz = (int)(p / ((long)g->nx * g->ny));
        double sum = diag[i] * x[i];
        for (int k = 0; k < 6; k++) {
            long q = neighbour(g, px, py, pz, p, k);
            if (q >= 0 && unknown[q] >= 0) sum -= x[unknown[q]];
        }
        y[i] = sum;
    }
}

int ck_anom_poisson_interpolate(int nx, int ny, int nz, const float *target, const float *source,
                                const uint8_t *region, float alpha, double tolerance, int max_iterations,
                                float *out, double *relative_residual) {
    long n = (long)nx * ny * nz;
    memcpy(out, target, (size_t)n * sizeof(float));
    *relative_residual = 0;
    grid_t g = {nx, ny, nz};
    int m = 0;
    for (long p = 0; p < n; p++) m += region[p] != 0;
    if (m == 0) return 0;

    int *unknown = malloc((size_t)n * sizeof(int));
    long *voxel = malloc((size_t)m * sizeof(long));
    double *work = malloc((size_t)m * 7 * sizeof(double));
    if (!unknown || !voxel || !work) {
        free(unknown); free(voxel); free(work);
        return -1;
    }
    double *diag = work, *b = work + m, *x = work + 2 * m, *r = work + 3 * m;
    double *z = work + 4 * m, *d = work + 5 * m, *ad = work + 6 * m;
    for (long p = 0, i = 0; p < n; p++) {
        unknown[p] = region[p] ? (int)i : -1;
        if (region[p]) voxel[i++] = p;
    }

    double bnorm = 0;
    for (int i = 0; i < m; i++) {
        long p = voxel[i];
        int px = (int)(p % nx), py = (int)((p / nx) % ny), pz = (int)(p / ((long)nx * ny));
        double degree = 0, rhs = 0;
        for (int k = 0; k < 6; k++) {
            long q = neighbour(&g, px, py, pz, p, k);
            if (q < 0) continue;
            degree += 1;
            rhs += guidance(target, source, p, q, alpha);
            if (unknown[q] < 0) rhs += target[q];
        }
        diag[i] = degree;
        b[i] = rhs;
        x[i] = target[p];
        bnorm += rhs * rhs;
    }
    bnorm = sqrt(bnorm);
    if (bnorm == 0) bnorm = 1;

    apply(&g, voxel, unknown, diag, x, ad, m);
    double rz = 0, rnorm = 0;
    for (int i = 0; i < m; i++) {
        r[i] = b[i] - ad[i];
        z[i] = diag[i] > 0 ? r[i] / diag[i] : r[i];
        d[i] = z[i];
        rz += r[i] * z[i];
        rnorm += r[i] * r[i];
    }
    int iteration = 0;
    while (sqrt(rnorm) > tolerance * bnorm && iteration < max_iterations) {
        apply(&g, voxel, unknown, diag, d, ad, m);
        double dad = 0;
        for (int i = 0; i < m; i++) dad += d[i] * ad[i];
        if (dad <= 0) break;  // singular direction (a region with no Dirichlet boundary)
        double step = rz / dad;
        double rz_next = 0;
        rnorm = 0;
        for (int i = 0; i < m; i++) {
            x[i] += step * d[i];
            r[i] -= step * ad[i];
            z[i] = diag[i] > 0 ? r[i] / diag[i] : r[i];
            rz_next += r[i] * z[i];
            rnorm += r[i] * r[i];
        }
        double beta = rz_next / rz;
        rz = rz_next;
        for (int i = 0; i < m; i++) d[i] = z[i] + beta * d[i];
        iteration++;
    }
    for (int i = 0; i < m; i++) out[voxel[i]] = (float)x[i];
    *relative_residual = sqrt(rnorm) / bnorm;
    free(unknown); free(voxel); free(work);
    return iteration;
}
