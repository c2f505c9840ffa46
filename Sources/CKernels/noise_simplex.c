// OpenSimplex noise in 3D (K. Spencer, 2014). The noise at p is a sum over the points of a stretched
// cubic lattice: each lattice point within squared distance 2 of p contributes (2 - d²)⁴ times the dot
// product of its pseudo-random gradient with p's offset from it, and the sum is divided by 103.
// The original enumerates the contributing points region by region, and that enumeration leaves out a
// few points whose kernel has not quite vanished at p. Here every point of the 4×4×4 block of lattice
// cells around p that lies within the radius contributes, which is the same noise without those gaps:
// over 20,000 random points it differs from the `opensimplex` package (AnoDDPM's reference) by 1.2e-7
// on average and 1.0e-4 at most, against a standard deviation of 0.31 (DiffusionReferenceTests).
#include "ck_noise.h"
#include <math.h>

#define STRETCH_3D (-1.0 / 6.0)
#define SQUISH_3D (1.0 / 3.0)
#define NORM_3D 103.0

// The 24 gradients of OpenSimplex 3D: the edges of a cuboctahedron, skewed (x, y, z triples).
static const int8_t gradients3[72] = {
    -11, 4, 4,   -4, 11, 4,   -4, 4, 11,    11, 4, 4,    4, 11, 4,    4, 4, 11,
    -11, -4, 4,  -4, -11, 4,  -4, -4, 11,   11, -4, 4,   4, -11, 4,   4, -4, 11,
    -11, 4, -4,  -4, 11, -4,  -4, 4, -11,   11, 4, -4,   4, 11, -4,   4, 4, -11,
    -11, -4, -4, -4, -11, -4, -4, -4, -11,  11, -4, -4,  4, -11, -4,  4, -4, -11,
};

// One step of the reference's 64-bit linear congruential generator, wrapping as signed int64 does.
static int64_t lcg(int64_t s) {
    return (int64_t)((uint64_t)s * 6364136223846793005ULL + 1442695040888963407ULL);
}

// (a + b) mod m with the result in [0, m), without the overflow a + b could cause (b, m > 0).
static int floor_mod_sum(int64_t a, int64_t b, int64_t m) {
    int64_t r = a % m;
    if (r < 0) r += m;
    return (int)((r + b % m) % m);
}

void ck_simplex_table_init(ck_simplex_table *table, int64_t seed) {
    int16_t source[256];
    for (int i = 0; i < 256; i++) source[i] = (int16_t)i;
    for (int k = 0; k < 3; k++) seed = lcg(seed);
    for (int i = 255; i >= 0; i--) {
        seed = lcg(seed);
        int r = floor_mod_sum(seed, 31, i + 1);
        table->perm[i] = source[r];
        table->grad_index[i] = (int16_t)((table->perm[i] % 24) * 3);
        source[r] = source[i];
    }
}

static double extrapolate(const ck_simplex_table *t, int64_t xsb, int64_t ysb, int64_t zsb,
                          double dx, double dy, double dz) {
    int index = t->grad_index[(t->perm[(t->perm[xsb & 0xFF] + ysb) & 0xFF] + zsb) & 0xFF];
    return gradients3[index] * dx + gradients3[index + 1] * dy + gradients3[index + 2] * dz;
}

double ck_simplex_noise3(const ck_simplex_table *table, double x, double y, double z) {
    double stretch = (x + y + z) * STRETCH_3D;
    int64_t xsb = (int64_t)floor(x + stretch), ysb = (int64_t)floor(y + stretch), zsb = (int64_t)floor(z + stretch);
    double squish = (double)(xsb + ysb + zsb) * SQUISH_3D;
    // p's offset from the base lattice point, in unstretched space.
    double dx0 = x - (xsb + squish), dy0 = y - (ysb + squish), dz0 = z - (zsb + squish);
    double value = 0;
    for (int i = -1; i <= 2; i++) {
        for (int j = -1; j <= 2; j++) {
            for (int k = -1; k <= 2; k++) {
                double shift = (i + j + k) * SQUISH_3D;
                double dx = dx0 - i - shift, dy = dy0 - j - shift, dz = dz0 - k - shift;
                double attn = 2 - dx * dx - dy * dy - dz * dz;
                if (attn <= 0) continue;
                attn *= attn;
                value += attn * attn * extrapolate(table, xsb + i, ysb + j, zsb + k, dx, dy, dz);
            }
        }
    }
    return value / NORM_3D;
}

void ck_simplex_octaves(const ck_simplex_table *table, int height, int width, double z, int octaves,
                        double persistence, double frequency, float *out) {
    #pragma omp parallel for schedule(static)
    for (int r = 0; r < height; r++) {
        for (int c = 0; c < width; c++) {
            double sum = 0, amplitude = 1, f = frequency;
            for (int o = 0; o < octaves; o++) {
                sum += amplitude * ck_simplex_noise3(table, c / f, r / f, z / f);
                f /= 2;
                amplitude *= persistence;
            }
            out[(int64_t)r * width + c] = (float)sum;
        }
    }
}
