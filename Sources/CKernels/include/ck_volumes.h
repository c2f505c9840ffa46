// Volume kernels of MedadVolumes: brain phantom synthesis, resampling, filtering, warping.
// Volumes are float32, x fastest: index = x + nx * (y + ny * z).
#pragma once
#include <stddef.h>
#include <stdint.h>

// ---- Brain phantom -------------------------------------------------------------------------
#define CK_PHANTOM_TERMS 3   // separable terms of the smooth deformation, per component

// One subject's anatomy and acquisition, drawn by MedadVolumes.Phantom from the seed.
// Coordinates are normalised to [-1, 1] over the cube.
typedef struct {
    float head_radius[3], head_center[3];
    float rotation[9];                 // row-major, applied to the deformed voxel position
    float skin, skull, csf;            // layer thicknesses as fractions of the head radius
    // Cortex: a ribbon of constant thickness under the brain surface, both pushed inwards by up to
    // sulcus_depth where the fold pattern prod_axis sin(fold_freq * p + fold_phase) is positive.
    float sulcus_depth, cortex_thickness;   // radius units
    float fold_freq[3], fold_phase[3];
    float ventricle_radius[3], ventricle_center[3];   // left ventricle; the right one mirrors x
    float nucleus_radius[3], nucleus_center[3];       // left deep grey nucleus; mirrored
    // Intensities: background, skin, skull, csf, grey matter, white matter, deep grey, ventricle.
    float intensity[8];
    // Smooth deformation: d_c(p) = sum_k amp[c][k] * prod_axis sin(freq[c][k][axis] * p + phase).
    float deform_amp[3][CK_PHANTOM_TERMS];
    float deform_freq[3][CK_PHANTOM_TERMS][3], deform_phase[3][CK_PHANTOM_TERMS][3];
    // Bias field: prod_axis exp(bias_amp[axis] * sin(bias_freq[axis] * p + bias_phase[axis])).
    float bias_amp[3], bias_freq[3], bias_phase[3];
    float noise_sigma;                 // Rician noise level
    uint64_t noise_seed;
} ck_phantom_params;

// Fills image[n^3] (and labels[n^3] if non-NULL: 0 background, 1 skin, 2 skull, 3 CSF, 4 grey,
// 5 white, 6 deep grey, 7 ventricle). Single-threaded: callers parallelise across subjects.
// Returns 0, or -1 if the scratch tables cannot be allocated.
int ck_phantom_brain(const ck_phantom_params *p, int n, float *image, uint8_t *labels);

// ---- Resampling and warping ----------------------------------------------------------------
// Samples `in` (nx*ny*nz) at out-of-grid positions; outside the volume the value is `fill`.
// nearest != 0 picks the nearest voxel (for masks and labels) instead of trilinear weights.

// Resamples to (mx, my, mz) with aligned corners: the first and last voxel centres of each
// axis map onto each other, so a linear ramp stays exactly linear.
void ck_resample(const float *in, int nx, int ny, int nz, float *out, int mx, int my, int mz, int nearest);

// out(o) = in(A * o + t + d(o)) where A (row-major 3x3) and t map output voxel indices to input
// voxel indices, and d is an optional displacement field (input voxels) on a coarse grid of
// gx*gy*gz control points spanning the output, interpolated
// trilinearly; the three components are stored as three consecutive gx*gy*gz planes.
// Output has the same dims as the input.
void ck_warp(const float *in, int nx, int ny, int nz, float *out, const float affine[12],
             const float *displacement, int gx, int gy, int gz, int nearest, float fill);

// ---- Filters and statistics ----------------------------------------------------------------
// Separable Gaussian smoothing with standard deviations in voxels (0 leaves an axis alone);
// borders are handled by renormalising the truncated kernel. Returns -1 on allocation failure.
int ck_gaussian(const float *in, int nx, int ny, int nz, const float sigma[3], float *out);

// Median over a (2r+1)^3 neighbourhood clipped at the borders. Returns -1 on allocation failure.
int ck_median(const float *in, int nx, int ny, int nz, int radius, float *out);

// Percentile q in [0, 100] with linear interpolation between order statistics (numpy's default).
// Reorders `values` (pass a scratch copy). n must be positive.
float ck_percentile(float *values, size_t n, double q);
