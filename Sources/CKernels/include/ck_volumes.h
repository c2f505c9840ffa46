// Volume kernels of MedadVolumes: brain phantom synthesis, resampling, filtering, warping.
// Volumes are float32, x fastest: index = x + nx * (y + ny * z).
#pragma once
#include <stdint.h>

// ---- Brain phantom -------------------------------------------------------------------------
#define CK_PHANTOM_TERMS 3   // separable terms of the smooth deformation, per component

// One subject's anatomy and acquisition, drawn by MedadVolumes.Phantom from the seed.
// Coordinates are normalised to [-1, 1] over the cube.
typedef struct {
    float head_radius[3], head_center[3];
    float rotation[9];                 // row-major, applied to the deformed voxel position
    float skin, skull, csf;            // layer thicknesses as fractions of the head radius
    float sulcus_depth;                // amplitude of the cortical folding in radius units
    float fold_freq[3], fold_phase[3];
    float wm_scale;                    // white matter surface relative to the brain surface
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
