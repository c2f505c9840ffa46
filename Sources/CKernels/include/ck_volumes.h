// Volume kernels of MedadVolumes: brain phantom synthesis, resampling, filtering, warping.
// Volumes are float32, x fastest: index = x + nx * (y + ny * z).
#pragma once
#include <stddef.h>
#include <stdint.h>

// ---- Brain phantom -------------------------------------------------------------------------
#define CK_PHANTOM_TERMS 3   // separable terms of the smooth deformation, per component
#define CK_PHANTOM_GYRI 10   // plane waves whose zero set on the sphere draws the sulci
#define CK_PHANTOM_CLEFTS 2  // planar deep clefts per hemisphere (Sylvian fissure, insular cistern)
#define CK_PHANTOM_NUCLEI 3  // deep grey nuclei per hemisphere (caudate, putamen, thalamus)

// One subject's anatomy and acquisition, drawn by MedadVolumes.Phantom from the seed.
// Coordinates are normalised to [-1, 1] over the cube; anatomy below is placed in "head units",
// the head ellipsoid mapped to the unit ball (x left-right, y posterior-anterior, z inferior-superior).
// Left structures are given; the right hemisphere mirrors them in x.
typedef struct {
    float head_radius[3], head_center[3];
    float rotation[9];                 // row-major, applied to the deformed voxel position
    float skin, skull, csf;            // layer thicknesses in head units
    float diploe;                      // share of the skull that is marrow between the two tables
    float cortex_thickness;            // grey ribbon under every CSF boundary, head units
    // Sulci: radial sheets through the zero set of s(n) = sum_k amp[k] sin(wave[k] . n + phase[k])
    // over directions n, reaching depth * (1 + depth_var * sin(depth_wave . n + depth_phase)) below
    // the brain surface, filled with CSF over half-width sulcus_width.
    float gyrus_amp[CK_PHANTOM_GYRI], gyrus_wave[CK_PHANTOM_GYRI][3], gyrus_phase[CK_PHANTOM_GYRI];
    // The waves are evaluated at n * (1 + sulcus_bend * depth) so that sulci bend on their way down.
    float sulcus_depth, sulcus_depth_var, sulcus_depth_wave[3], sulcus_depth_phase, sulcus_width, sulcus_bend;
    // Interhemispheric fissure: a midline CSF sheet of half-width fissure_width that stops at the
    // corpus callosum, the ellipse (callosum_center, callosum_radius) of the sagittal (y, z) plane.
    float fissure_width, callosum_center[2], callosum_radius[2];
    // Clefts: planar CSF patches of half-width cleft_width spanning centre +- a * axis_a +- b * axis_b
    // with a^2 + b^2 <= 1; axis_a and axis_b are orthogonal.
    float cleft_center[CK_PHANTOM_CLEFTS][3], cleft_axis_a[CK_PHANTOM_CLEFTS][3], cleft_axis_b[CK_PHANTOM_CLEFTS][3];
    float cleft_width;
    // Lateral ventricle: a C-shaped tube along the ellipse (arc_center, arc_radius) of the sagittal
    // plane from angle arc_from (frontal horn) over the top to arc_to (temporal horn), angles from +y
    // towards +z. Its x centre moves from offset[0] to offset[1], its cross-section half-widths
    // (lateral, in-plane) taper to the tips and peak at width, times ventricle_scale.
    float ventricle_arc_center[2], ventricle_arc_radius[2], ventricle_arc_from, ventricle_arc_to;
    float ventricle_offset[2], ventricle_width[2], ventricle_scale;
    float septum_width;                // least distance of a ventricle from the midline
    float third_ventricle_width;       // half-width of the midline slit between the thalami
    float nucleus_center[CK_PHANTOM_NUCLEI][3], nucleus_radius[CK_PHANTOM_NUCLEI][3];
    // Intensities: background, skin, skull, csf, grey matter, white matter, deep grey, ventricle.
    float intensity[8];
    float marrow_intensity;            // the diploe, fatty and so fairly bright in T1
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
