// Denoising filters and order statistics for volumes.
#include "ck_volumes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Convolves every line along `axis` with a 1D kernel, renormalised where it overhangs the border.
static void convolve_axis(const float *in, float *out, int nx, int ny, int nz, int axis,
                          const float *kernel, int radius) {
    const int dims[3] = {nx, ny, nz};
    const size_t strides[3] = {1, (size_t)nx, (size_t)nx * ny};
    const int length = dims[axis];
    const size_t stride = strides[axis];
    const size_t lines = (size_t)nx * ny * nz / (size_t)length;
#pragma omp parallel for schedule(static)
    for (size_t line = 0; line < lines; line++) {
        // First voxel of the line: the line index enumerates the two other axes, x before z.
        size_t start = axis == 0 ? line * (size_t)nx
                     : axis == 1 ? line % (size_t)nx + (line / (size_t)nx) * (size_t)nx * ny
                     : line;
        for (int i = 0; i < length; i++) {
            float sum = 0, norm = 0;
            for (int k = -radius; k <= radius; k++) {
                int j = i + k;
                if (j < 0 || j >= length) continue;
                sum += kernel[k + radius] * in[start + (size_t)j * stride];
                norm += kernel[k + radius];
            }
            out[start + (size_t)i * stride] = sum / norm;
        }
    }
}

int ck_gaussian(const float *in, int nx, int ny, int nz, const float sigma[3], float *out) {
    const size_t total = (size_t)nx * ny * nz;
    float *scratch = malloc(total * sizeof(float));
    if (scratch == NULL) return -1;
    memcpy(out, in, total * sizeof(float));
    for (int axis = 0; axis < 3; axis++) {
        if (sigma[axis] <= 0) continue;
        int radius = (int)ceilf(3 * sigma[axis]);
        float *kernel = malloc(sizeof(float) * (size_t)(2 * radius + 1));
        if (kernel == NULL) { free(scratch); return -1; }
        for (int k = -radius; k <= radius; k++)
            kernel[k + radius] = expf(-0.5f * k * k / (sigma[axis] * sigma[axis]));
        memcpy(scratch, out, total * sizeof(float));
        convolve_axis(scratch, out, nx, ny, nz, axis, kernel, radius);
        free(kernel);
    }
    free(scratch);
    return 0;
}

static int compare_floats(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

int ck_median(const float *in, int nx, int ny, int nz, int radius, float *out) {
    const int window = 2 * radius + 1;
    const size_t capacity = (size_t)window * window * window;
    int failed = 0;
#pragma omp parallel
    {
        float *values = malloc(capacity * sizeof(float));
        if (values == NULL) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int z = 0; z < nz; z++) {
            if (values == NULL) continue;
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++) {
                    size_t n = 0;
                    for (int k = z - radius; k <= z + radius; k++)
                        for (int j = y - radius; j <= y + radius; j++)
                            for (int i = x - radius; i <= x + radius; i++)
                                if (i >= 0 && i < nx && j >= 0 && j < ny && k >= 0 && k < nz)
                                    values[n++] = in[(size_t)i + (size_t)nx * ((size_t)j + (size_t)ny * k)];
                    qsort(values, n, sizeof(float), compare_floats);
                    out[(size_t)x + (size_t)nx * ((size_t)y + (size_t)ny * z)] =
                        n % 2 ? values[n / 2] : 0.5f * (values[n / 2 - 1] + values[n / 2]);
                }
        }
        free(values);
    }
    return failed ? -1 : 0;
}

// Hoare-style quickselect: afterwards values[k] is the k-th smallest and everything left of it is
// no larger, everything right no smaller.
static void select_kth(float *values, size_t n, size_t k) {
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        // Median of three as pivot keeps sorted and constant inputs from going quadratic.
        size_t mid = lo + (hi - lo) / 2;
        float a = values[lo], b = values[mid], c = values[hi];
        float pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (values[i] < pivot) i++;
            while (values[j] > pivot) j--;
            if (i <= j) {
                float t = values[i]; values[i] = values[j]; values[j] = t;
                i++;
                if (j == 0) break;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else return;
    }
}

float ck_percentile(float *values, size_t n, double q) {
    double position = q / 100.0 * (double)(n - 1);
    if (position < 0) position = 0;
    if (position > (double)(n - 1)) position = (double)(n - 1);
    size_t k = (size_t)position;
    double fraction = position - (double)k;
    select_kth(values, n, k);
    float low = values[k];
    if (fraction == 0 || k + 1 >= n) return low;
    float high = values[k + 1];
    for (size_t i = k + 2; i < n; i++) if (values[i] < high) high = values[i];
    return (float)(low + fraction * ((double)high - low));
}
