// Connected components (26-connectivity in 3D, hence 8 in 2D) and lesion-wise detection curves.
// The detection curve adds voxels from the highest threshold level down into a union-find forest, so one
// pass yields the component count of {score >= t} at every threshold instead of one labelling per level.
#include "ck_metrics.h"
#include <stdlib.h>
#include <string.h>

static int32_t find_root(int32_t *parent, int32_t x) {
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

int64_t ck_label_components(const uint8_t *mask, int64_t nx, int64_t ny, int64_t nz, int32_t *labels) {
    int64_t n = nx * ny * nz;
    if (n > INT32_MAX) return -1;
    int64_t capacity = 1024, provisional = 0;
    int32_t *parent = malloc((size_t)capacity * sizeof(int32_t));
    if (!parent) return -1;
    // First pass: provisional labels from the 13 neighbours already visited in raster order.
    for (int64_t z = 0; z < nz; z++)
        for (int64_t y = 0; y < ny; y++)
            for (int64_t x = 0; x < nx; x++) {
                int64_t i = x + nx * (y + ny * z);
                labels[i] = 0;
                if (!mask[i]) continue;
                int32_t label = 0;
                for (int64_t dz = -1; dz <= 0; dz++)
                    for (int64_t dy = -1; dy <= 1; dy++)
                        for (int64_t dx = -1; dx <= 1; dx++) {
                            if (dz == 0 && (dy > 0 || (dy == 0 && dx >= 0))) continue;
                            int64_t xx = x + dx, yy = y + dy, zz = z + dz;
                            if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0) continue;
                            int32_t other = labels[xx + nx * (yy + ny * zz)];
                            if (!other) continue;
                            if (!label) { label = other; continue; }
                            int32_t a = find_root(parent, label), b = find_root(parent, other);
                            if (a != b) parent[a > b ? a : b] = a < b ? a : b;
                        }
                if (!label) {
                    if (provisional + 1 >= capacity) {
                        capacity *= 2;
                        int32_t *grown = realloc(parent, (size_t)capacity * sizeof(int32_t));
                        if (!grown) { free(parent); return -1; }
                        parent = grown;
                    }
                    label = (int32_t)++provisional;
                    parent[label] = label;
                }
                labels[i] = label;
            }
    // Second pass: roots become consecutive labels in raster order of their first voxel.
    int32_t *final_label = calloc((size_t)provisional + 1, sizeof(int32_t));
    if (!final_label) { free(parent); return -1; }
    int32_t count = 0;
    for (int64_t i = 0; i < n; i++) {
        if (!labels[i]) continue;
        int32_t root = find_root(parent, labels[i]);
        if (!final_label[root]) final_label[root] = ++count;
        labels[i] = final_label[root];
    }
    free(final_label);
    free(parent);
    return count;
}

// Largest k with thresholds[k] <= score, or -1.
static int32_t level_of(float score, const float *thresholds, int32_t nlevels) {
    int32_t lo = 0, hi = nlevels;
    while (lo < hi) {
        int32_t mid = (lo + hi) / 2;
        if (thresholds[mid] <= score) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
}

int ck_lesion_detection_curve(const float *scores, const int32_t *gt_labels, int64_t gt_count,
                              int64_t nx, int64_t ny, int64_t nz, const float *thresholds, int32_t nlevels,
                              int64_t *detected, int64_t *false_positives) {
    int64_t n = nx * ny * nz;
    if (n > INT32_MAX) return -1;
    int32_t *level = malloc((size_t)n * sizeof(int32_t));
    int64_t *level_start = calloc((size_t)nlevels + 1, sizeof(int64_t));
    int32_t *lesion_level = malloc((size_t)(gt_count + 1) * sizeof(int32_t));
    if (!level || !level_start || !lesion_level) { free(level); free(level_start); free(lesion_level); return -1; }
    for (int64_t g = 0; g <= gt_count; g++) lesion_level[g] = -1;
    for (int64_t i = 0; i < n; i++) {
        int32_t k = level_of(scores[i], thresholds, nlevels);
        level[i] = k;
        if (k >= 0) level_start[k + 1]++;
        int32_t g = gt_labels[i];
        if (g > 0 && k > lesion_level[g]) lesion_level[g] = k;
    }
    // A lesion is detected at level k when its best voxel reaches level k.
    memset(detected, 0, (size_t)nlevels * sizeof(int64_t));
    for (int64_t g = 1; g <= gt_count; g++)
        if (lesion_level[g] >= 0) detected[lesion_level[g]]++;
    for (int32_t k = nlevels - 2; k >= 0; k--) detected[k] += detected[k + 1];
    free(lesion_level);

    for (int32_t k = 0; k < nlevels; k++) level_start[k + 1] += level_start[k];
    int64_t added = level_start[nlevels];
    int32_t *order = malloc((size_t)(added > 0 ? added : 1) * sizeof(int32_t));
    int32_t *parent = malloc((size_t)n * sizeof(int32_t));
    uint8_t *touches_gt = malloc((size_t)n);
    uint8_t *rank = calloc((size_t)n, 1);  // union by rank keeps every tree O(log n) deep
    int64_t *cursor = malloc((size_t)(nlevels + 1) * sizeof(int64_t));
    if (!order || !parent || !touches_gt || !rank || !cursor) {
        free(level); free(level_start); free(order); free(parent); free(touches_gt); free(rank); free(cursor);
        return -1;
    }
    memcpy(cursor, level_start, (size_t)(nlevels + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++)
        if (level[i] >= 0) order[cursor[level[i]]++] = (int32_t)i;
    free(cursor);
    free(level);
    for (int64_t i = 0; i < n; i++) parent[i] = -1;

    int64_t fp_components = 0;
    for (int32_t k = nlevels - 1; k >= 0; k--) {
        for (int64_t o = level_start[k]; o < level_start[k + 1]; o++) {
            int32_t i = order[o];
            int64_t x = i % nx, y = (i / nx) % ny, z = i / (nx * ny);
            parent[i] = i;
            touches_gt[i] = gt_labels[i] > 0;
            fp_components += !touches_gt[i];
            for (int64_t dz = -1; dz <= 1; dz++)
                for (int64_t dy = -1; dy <= 1; dy++)
                    for (int64_t dx = -1; dx <= 1; dx++) {
                        int64_t xx = x + dx, yy = y + dy, zz = z + dz;
                        if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0 || zz >= nz) continue;
                        int32_t j = (int32_t)(xx + nx * (yy + ny * zz));
                        if (parent[j] < 0) continue;
                        int32_t a = find_root(parent, i), b = find_root(parent, j);
                        if (a == b) continue;
                        uint8_t merged = touches_gt[a] | touches_gt[b];
                        fp_components += (int64_t)!merged - !touches_gt[a] - !touches_gt[b];
                        if (rank[a] < rank[b]) { int32_t t = a; a = b; b = t; }
                        if (rank[a] == rank[b]) rank[a]++;
                        parent[b] = a;
                        touches_gt[a] = merged;
                    }
        }
        false_positives[k] = fp_components;
    }
    free(order); free(parent); free(touches_gt); free(rank); free(level_start);
    return 0;
}
