// Brain-like T1 MRI phantom. The head is an ellipsoid of skin, skull (two dark tables around bright
// marrow) and extra-cerebral CSF around the brain. Inside the brain every voxel gets its distance to the nearest CSF boundary: the brain
// surface, the interhemispheric fissure (a midline sheet down to the corpus callosum), sulci (radial
// sheets along the zero set of a sum of random plane waves on the sphere, cut a varying depth from
// the surface into the white matter) and deep clefts (Sylvian fissure, insular cistern). Grey matter
// is the ribbon within cortex_thickness of that boundary, so it follows every fold at constant
// thickness; white matter lies below. C-shaped lateral ventricles (frontal horn, body, atrium,
// temporal horn), a third ventricle and deep grey nuclei sit in the centre. The anatomy is warped by
// a smooth random deformation, multiplied by a bias field and corrupted by Rician noise.
// Per-axis factors (deformation, bias) are tabulated; the sulcal waves are only evaluated in the
// band of depths sulci can reach, the deep structures only in a central box.
#include "ck_volumes.h"

#include <math.h>
#include <stdlib.h>

static inline float clamp01(float w) { return w < 0 ? 0 : w > 1 ? 1 : w; }

static inline float weight_inside(float rho, float surface, float sharpness) {
    // Partial-volume fraction of a voxel whose normalised radius is rho, for a surface at `surface`.
    return clamp01(0.5f - (rho - surface) * sharpness);
}

static inline float dot3(const float a[3], const float b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

static inline uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline float mixf(float a, float b, float w) { return a + (b - a) * w; }

// Per-subject constants derived once from the parameters.
typedef struct {
    float cleft_normal[CK_PHANTOM_CLEFTS][3], cleft_inv_a2[CK_PHANTOM_CLEFTS], cleft_inv_b2[CK_PHANTOM_CLEFTS];
    float cleft_extent[CK_PHANTOM_CLEFTS];
    float min_gradient;      // floor of the sulcal field's tangential gradient, against 0/0 at saddles
    float sulcus_band;       // deepest reach of a sulcus plus its grey ribbon below the brain surface
} derived;

static derived derive(const ck_phantom_params *p, float voxel) {
    derived d;
    for (int c = 0; c < CK_PHANTOM_CLEFTS; c++) {
        const float *a = p->cleft_axis_a[c], *b = p->cleft_axis_b[c];
        float n[3] = {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
        float len = sqrtf(dot3(n, n));
        for (int i = 0; i < 3; i++) d.cleft_normal[c][i] = n[i] / len;
        d.cleft_inv_a2[c] = 1 / dot3(a, a);
        d.cleft_inv_b2[c] = 1 / dot3(b, b);
        d.cleft_extent[c] = fminf(sqrtf(dot3(a, a)), sqrtf(dot3(b, b)));
    }
    float g2 = 0;
    for (int k = 0; k < CK_PHANTOM_GYRI; k++) g2 += p->gyrus_amp[k] * p->gyrus_amp[k] * dot3(p->gyrus_wave[k], p->gyrus_wave[k]);
    d.min_gradient = 0.2f * sqrtf(g2 / 2);
    d.sulcus_band = p->sulcus_depth * (1 + fabsf(p->sulcus_depth_var)) + p->cortex_thickness + 2 * voxel;
    return d;
}

// Distance below the cortical surface to the nearest sulcus (negative inside its CSF), for the point
// at radius rho in direction dir (head units).
static float sulcus_distance(const ck_phantom_params *p, const derived *d, const float dir[3], float rho, float depth) {
    // The waves are sampled on a sphere that grows with depth, so each sulcus leans and bends on
    // its way down instead of running straight to the centre.
    const float stretch = 1 + p->sulcus_bend * depth;
    const float at[3] = {dir[0] * stretch, dir[1] * stretch, dir[2] * stretch};
    float s = 0, g[3] = {0, 0, 0};
    for (int k = 0; k < CK_PHANTOM_GYRI; k++) {
        const float *kv = p->gyrus_wave[k];
        float phase = dot3(kv, at) + p->gyrus_phase[k];
        float a = p->gyrus_amp[k], c = a * cosf(phase);
        s += a * sinf(phase);
        g[0] += c * kv[0];
        g[1] += c * kv[1];
        g[2] += c * kv[2];
    }
    // Only the gradient along the sphere moves the zero set sideways; radially the sheet is constant.
    float radial = dot3(g, dir);
    float tangential = sqrtf(fmaxf(dot3(g, g) - radial * radial, 0));
    float lateral = rho * fabsf(s) / (stretch * fmaxf(tangential, d->min_gradient));
    float reach = p->sulcus_depth * (1 + p->sulcus_depth_var * sinf(dot3(p->sulcus_depth_wave, dir) + p->sulcus_depth_phase));
    float below = depth - reach;   // past the fundus the distance rounds off
    return (below > 0 ? sqrtf(lateral * lateral + below * below) : lateral) - p->sulcus_width;
}

// Distance to the nearest planar cleft (negative inside), e mirrored into the left hemisphere.
static float cleft_distance(const ck_phantom_params *p, const derived *d, const float e[3]) {
    float best = INFINITY;
    for (int c = 0; c < CK_PHANTOM_CLEFTS; c++) {
        float r[3] = {e[0] - p->cleft_center[c][0], e[1] - p->cleft_center[c][1], e[2] - p->cleft_center[c][2]};
        float a = dot3(r, p->cleft_axis_a[c]), b = dot3(r, p->cleft_axis_b[c]);
        a *= d->cleft_inv_a2[c];   // patch coordinates: r = a * axis_a + b * axis_b + across * normal
        b *= d->cleft_inv_b2[c];
        float q = sqrtf(a * a + b * b);
        float beyond = q > 1 ? (q - 1) * d->cleft_extent[c] : 0;
        float across = dot3(r, d->cleft_normal[c]);
        best = fminf(best, sqrtf(beyond * beyond + across * across) - p->cleft_width);
    }
    return best;
}

// Distance to the midline fissure (negative inside): a sheet |x| < fissure_width that rounds off
// where it meets the corpus callosum.
static float fissure_distance(const ck_phantom_params *p, const float e[3]) {
    float cy = (e[1] - p->callosum_center[0]) / p->callosum_radius[0];
    float cz = (e[2] - p->callosum_center[1]) / p->callosum_radius[1];
    float rc = sqrtf(cy * cy + cz * cz);
    float under = rc < 1 ? (1 - rc) * fminf(p->callosum_radius[0], p->callosum_radius[1]) : 0;
    return sqrtf(e[0] * e[0] + under * under) - p->fissure_width;
}

// Signed depth inside the lateral ventricle tube (positive inside), e mirrored into the left hemisphere.
static float ventricle_depth(const ck_phantom_params *p, const float e[3]) {
    const float *ac = p->ventricle_arc_center, *ar = p->ventricle_arc_radius;
    float py = (e[1] - ac[0]) / ar[0], pz = (e[2] - ac[1]) / ar[1];
    float angle = atan2f(pz, py);
    if (angle < p->ventricle_arc_from) angle += 6.2831853f;
    float t = (angle - p->ventricle_arc_from) / (p->ventricle_arc_to - p->ventricle_arc_from);
    if (t <= 0 || t >= 1) return -INFINITY;
    float in_plane = (sqrtf(py * py + pz * pz) - 1) * 0.5f * (ar[0] + ar[1]);
    // Frontal horns hug the septum; the atria and temporal horns sit further out.
    float centre = p->ventricle_offset[0] + (p->ventricle_offset[1] - p->ventricle_offset[0]) * t * t * (3 - 2 * t);
    // Blunt horns: the cross-section keeps most of its size until close to the tips.
    float taper = powf(sinf(3.14159265f * t), 0.25f) * p->ventricle_scale;
    float wl = p->ventricle_width[0] * taper, wp = p->ventricle_width[1] * taper;
    centre = fmaxf(centre, wl + p->septum_width);   // the septum pellucidum keeps the two apart
    float dl = (e[0] - centre) / wl, dp = in_plane / wp;
    return (1 - sqrtf(dl * dl + dp * dp)) * fminf(wl, wp);
}

// Largest signed depth inside any deep grey nucleus (positive inside).
static float nucleus_depth(const ck_phantom_params *p, const float e[3]) {
    float best = -INFINITY;
    for (int k = 0; k < CK_PHANTOM_NUCLEI; k++) {
        const float *c = p->nucleus_center[k], *r = p->nucleus_radius[k];
        float dx = (e[0] - c[0]) / r[0], dy = (e[1] - c[1]) / r[1], dz = (e[2] - c[2]) / r[2];
        float rmin = fminf(r[0], fminf(r[1], r[2]));
        best = fmaxf(best, (1 - sqrtf(dx * dx + dy * dy + dz * dz)) * rmin);
    }
    return best;
}

// The third ventricle: a midline slit as tall and long as the thalami (the last nucleus) it separates.
static float third_ventricle_depth(const ck_phantom_params *p, const float e[3]) {
    const float *c = p->nucleus_center[CK_PHANTOM_NUCLEI - 1], *r = p->nucleus_radius[CK_PHANTOM_NUCLEI - 1];
    float dx = e[0] / p->third_ventricle_width, dy = (e[1] - c[1]) / r[1], dz = (e[2] - c[2]) / r[2];
    return (1 - sqrtf(dx * dx + dy * dy + dz * dz)) * p->third_ventricle_width;
}

int ck_phantom_brain(const ck_phantom_params *p, int n, float *image, uint8_t *labels) {
    const int T = CK_PHANTOM_TERMS;
    // tables[c][k][axis][i]: deformation factors; bias[axis][i]; coord[i].
    float *tables = malloc(sizeof(float) * (size_t)(3 * T * 3 + 3 + 1) * (size_t)n);
    if (tables == NULL) return -1;
    float *deform = tables;
    float *bias = deform + (size_t)3 * T * 3 * n;
    float *coord = bias + (size_t)3 * n;
    for (int i = 0; i < n; i++) coord[i] = (2.0f * i + 1.0f) / n - 1.0f;
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < T; k++)
            for (int a = 0; a < 3; a++)
                for (int i = 0; i < n; i++)
                    deform[(((size_t)c * T + k) * 3 + a) * n + i] =
                        sinf(p->deform_freq[c][k][a] * coord[i] + p->deform_phase[c][k][a]);
    for (int a = 0; a < 3; a++)
        for (int i = 0; i < n; i++)
            bias[(size_t)a * n + i] = expf(p->bias_amp[a] * sinf(p->bias_freq[a] * coord[i] + p->bias_phase[a]));

    const float mean_radius = (p->head_radius[0] + p->head_radius[1] + p->head_radius[2]) / 3;
    const float sharp = mean_radius * n / 2.0f;   // voxels per head unit: one voxel of blur per surface
    const float skull_in = 1 - p->skin, csf_in = skull_in - p->skull, brain = csf_in - p->csf;
    const float table = 0.5f * (1 - p->diploe) * p->skull;
    const derived d = derive(p, 1 / sharp);
    const float *I = p->intensity;
    const float *R = p->rotation;
    // Layers painted in order over the background, with their labels.
    enum { LAYERS = 10, GREY = 5 };
    static const uint8_t layer_label[LAYERS] = {1, 2, 2, 2, 3, 4, 5, 7, 6, 7};
    const float layer_value[LAYERS] = {I[1], I[2], p->marrow_intensity, I[2], I[3], I[4], I[5], I[7], I[6], I[7]};

    for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                const int idx[3] = {x, y, z};
                float q[3];
                for (int c = 0; c < 3; c++) {
                    float off = 0;
                    for (int k = 0; k < T; k++) {
                        const float *t = deform + ((size_t)c * T + k) * 3 * n;
                        off += p->deform_amp[c][k] * t[x] * t[n + y] * t[2 * (size_t)n + z];
                    }
                    q[c] = coord[idx[c]] + off;
                }
                float e[3];
                for (int r = 0; r < 3; r++)
                    e[r] = (R[3 * r] * q[0] + R[3 * r + 1] * q[1] + R[3 * r + 2] * q[2] - p->head_center[r]) / p->head_radius[r];
                float rho = sqrtf(dot3(e, e));
                float weights[LAYERS] = {0};
                weights[0] = weight_inside(rho, 1, sharp);
                weights[1] = weight_inside(rho, skull_in, sharp);
                weights[2] = weight_inside(rho, skull_in - table, sharp);
                weights[3] = weight_inside(rho, csf_in + table, sharp);
                weights[4] = weight_inside(rho, csf_in, sharp);
                float depth = brain - rho;
                if (depth * sharp > -1) {
                    const float left[3] = {fabsf(e[0]), e[1], e[2]};
                    float to_csf = fminf(depth, fissure_distance(p, e));
                    to_csf = fminf(to_csf, cleft_distance(p, &d, left));
                    if (depth < d.sulcus_band && rho > 0) {
                        const float dir[3] = {e[0] / rho, e[1] / rho, e[2] / rho};
                        to_csf = fminf(to_csf, sulcus_distance(p, &d, dir, rho, depth));
                    }
                    weights[GREY] = clamp01(0.5f + to_csf * sharp);
                    weights[GREY + 1] = clamp01(0.5f + (to_csf - p->cortex_thickness) * sharp);
                    if (left[0] < 0.5f && fabsf(e[1]) < 0.6f && fabsf(e[2]) < 0.5f) {
                        weights[GREY + 2] = clamp01(0.5f + ventricle_depth(p, left) * sharp);
                        weights[GREY + 3] = clamp01(0.5f + nucleus_depth(p, left) * sharp);
                        weights[GREY + 4] = clamp01(0.5f + third_ventricle_depth(p, e) * sharp);
                    }
                }

                float value = I[0];
                int label = 0;
                for (int layer = 0; layer < LAYERS; layer++) {
                    value = mixf(value, layer_value[layer], weights[layer]);
                    if (weights[layer] > 0.5f) label = layer_label[layer];
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
