// Brain-like T1 MRI phantom: nested ellipsoidal head layers (skin, skull, CSF, a folded cortical
// ribbon over white matter), deep grey nuclei and lateral ventricles, warped by a
// smooth random deformation, multiplied by a bias field and corrupted by Rician noise.
// Every factor that depends on a single axis is tabulated, so a voxel costs a few multiplies,
// five square roots and one Box-Muller pair.
#include "ck_volumes.h"

#include <math.h>
#include <stdlib.h>

static inline float weight_inside(float rho, float surface, float sharpness) {
    // Partial-volume fraction of a voxel whose normalised radius is rho, for a surface at `surface`.
    float w = 0.5f - (rho - surface) * sharpness;
    return w < 0 ? 0 : w > 1 ? 1 : w;
}

static inline float ellipsoid_rho(float x, float y, float z, const float c[3], const float r[3]) {
    float dx = (x - c[0]) / r[0], dy = (y - c[1]) / r[1], dz = (z - c[2]) / r[2];
    return sqrtf(dx * dx + dy * dy + dz * dz);
}

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline float mixf(float a, float b, float w) { return a + (b - a) * w; }

int ck_phantom_brain(const ck_phantom_params *p, int n, float *image, uint8_t *labels) {
    const int T = CK_PHANTOM_TERMS;
    // tables[c][k][axis][i]: deformation factors; bias[axis][i]; fold[axis][i]; coord[i].
    float *tables = malloc(sizeof(float) * (size_t)(3 * T * 3 + 3 + 3 + 1) * (size_t)n);
    if (tables == NULL) return -1;
    float *deform = tables;
    float *bias = deform + (size_t)3 * T * 3 * n;
    float *fold = bias + (size_t)3 * n;
    float *coord = fold + (size_t)3 * n;
    for (int i = 0; i < n; i++) coord[i] = (2.0f * i + 1.0f) / n - 1.0f;
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < T; k++)
            for (int a = 0; a < 3; a++)
                for (int i = 0; i < n; i++)
                    deform[(((size_t)c * T + k) * 3 + a) * n + i] =
                        sinf(p->deform_freq[c][k][a] * coord[i] + p->deform_phase[c][k][a]);
    for (int a = 0; a < 3; a++)
        for (int i = 0; i < n; i++) {
            bias[(size_t)a * n + i] = expf(p->bias_amp[a] * sinf(p->bias_freq[a] * coord[i] + p->bias_phase[a]));
            fold[(size_t)a * n + i] = sinf(p->fold_freq[a] * coord[i] + p->fold_phase[a]);
        }

    const float mean_radius = (p->head_radius[0] + p->head_radius[1] + p->head_radius[2]) / 3;
    const float sharp = mean_radius * n / 2.0f;   // one voxel of blur across each surface
    const float skull_in = 1 - p->skin, csf_in = skull_in - p->skull, brain = csf_in - p->csf;
    const float wm = brain - p->cortex_thickness;
    const float *I = p->intensity;
    float mirrored_vent[3] = {-p->ventricle_center[0], p->ventricle_center[1], p->ventricle_center[2]};
    float mirrored_nucleus[3] = {-p->nucleus_center[0], p->nucleus_center[1], p->nucleus_center[2]};
    const float *R = p->rotation;

    for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                const int idx[3] = {x, y, z};
                float q[3];
                for (int c = 0; c < 3; c++) {
                    float d = 0;
                    for (int k = 0; k < T; k++) {
                        const float *t = deform + ((size_t)c * T + k) * 3 * n;
                        d += p->deform_amp[c][k] * t[x] * t[n + y] * t[2 * (size_t)n + z];
                    }
                    q[c] = coord[idx[c]] + d;
                }
                float u = R[0] * q[0] + R[1] * q[1] + R[2] * q[2];
                float v = R[3] * q[0] + R[4] * q[1] + R[5] * q[2];
                float w = R[6] * q[0] + R[7] * q[1] + R[8] * q[2];

                float rho = ellipsoid_rho(u, v, w, p->head_center, p->head_radius);
                // Sulci: where the fold pattern is positive both cortical surfaces move inwards,
                // CSF fills the gap above and the ribbon keeps its thickness.
                float pattern = fold[x] * fold[n + y] * fold[2 * (size_t)n + z];
                float sulcus = p->sulcus_depth * (pattern > 0 ? pattern : 0);
                float weights[7];
                weights[0] = weight_inside(rho, 1, sharp);
                weights[1] = weight_inside(rho, skull_in, sharp);
                weights[2] = weight_inside(rho, csf_in, sharp);
                weights[3] = weight_inside(rho + sulcus, brain, sharp);
                weights[4] = weight_inside(rho + sulcus, wm, sharp);
                float rn = fminf(ellipsoid_rho(u, v, w, p->nucleus_center, p->nucleus_radius),
                                 ellipsoid_rho(u, v, w, mirrored_nucleus, p->nucleus_radius));
                float rv = fminf(ellipsoid_rho(u, v, w, p->ventricle_center, p->ventricle_radius),
                                 ellipsoid_rho(u, v, w, mirrored_vent, p->ventricle_radius));
                weights[5] = weight_inside(rn, 1, sharp * p->nucleus_radius[0] / mean_radius);
                weights[6] = weight_inside(rv, 1, sharp * p->ventricle_radius[0] / mean_radius);

                float value = I[0];
                int label = 0;
                for (int layer = 0; layer < 7; layer++) {
                    value = mixf(value, I[layer + 1], weights[layer]);
                    if (weights[layer] > 0.5f) label = layer + 1;
                }
                value *= bias[x] * bias[n + y] * bias[2 * (size_t)n + z];

                size_t at = (size_t)x + (size_t)n * ((size_t)y + (size_t)n * z);
                uint64_t h = mix64(p->noise_seed + 0x9E3779B97F4A7C15ULL * (at + 1));
                float u1 = ((float)(h >> 40) + 1.0f) * 0x1p-24f;   // (0, 1]
                float u2 = (float)((h >> 16) & 0xFFFFFF) * 0x1p-24f;
                float r = sqrtf(-2.0f * logf(u1)) * p->noise_sigma;
                float re = value + r * cosf(6.2831853f * u2), im = r * sinf(6.2831853f * u2);
                // Quantised to 2^-12 (far below the noise): the zeroed low mantissa bits make the
                // .nii.gz half the size and gzip 2.5 times faster.
                image[at] = roundf(sqrtf(re * re + im * im) * 4096.0f) * (1.0f / 4096.0f);
                if (labels) labels[at] = (uint8_t)label;
            }
    free(tables);
    return 0;
}
