// Structured noise for diffusion models (MedadMethods, method ddpm).
#pragma once
#include <stdint.h>

// OpenSimplex noise (K. Spencer, 2014), the 3D form AnoDDPM (Wyatt et al., CVPR-W 2022) draws its
// simplex noise from. A seed becomes a permutation of 0..255 and the gradient index of each entry.
typedef struct { int16_t perm[256]; int16_t grad_index[256]; } ck_simplex_table;

// The table of `seed`, as the reference implementation (the `opensimplex` Python package) builds it.
void ck_simplex_table_init(ck_simplex_table *table, int64_t seed);

// OpenSimplex 3D noise at one point, in about [-1, 1].
double ck_simplex_noise3(const ck_simplex_table *table, double x, double y, double z);

// Fractal noise on an image grid at one depth z, unnormalised as AnoDDPM's `rand_3d_fixed_T_octaves`:
//   out[r*width + c] = sum_o p^o * noise3(c / f_o, r / f_o, z / f_o),   f_o = frequency / 2^o,  o in [0, octaves).
// `frequency` is the wavelength in pixels of the first octave (AnoDDPM's name for it).
// Shape legend: out [height, width], row-major. Rows run in parallel (OpenMP).
void ck_simplex_octaves(const ck_simplex_table *table, int height, int width, double z, int octaves,
                        double persistence, double frequency, float *out);
