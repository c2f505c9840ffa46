// Exact ranking metrics over very many voxels, and connected-component lesion analysis.
#pragma once
#include <stdint.h>

// Ranking metrics of scores pooled over several cases, identical to sorting every (score, label) pair.
typedef struct {
    int64_t positives;
    int64_t negatives;
    int64_t distinct_scores;
    double average_precision;   // scikit-learn's step-wise AP; NaN when there are no positives
    double auroc;               // ties count half; NaN when one class is missing
    double best_f1;             // max over thresholds of 2TP / (TP + FP + P); NaN without positives
    float best_f1_threshold;    // the highest threshold reaching best_f1
    int32_t bad_case;           // on return -1: the case holding a score outside [0, 1] or NaN
    int64_t bad_index;          // ... and its index inside that case
} ck_ranking_result;

// scores[c][i] in [0, 1] (checked), labels[c][i] nonzero = positive, counts[c] voxels of case c.
// Returns 0, -1 for a score outside [0, 1] (see bad_case / bad_index), -2 when memory runs out.
int ck_metrics_pooled_ranking(const float *const *scores, const uint8_t *const *labels,
                              const int64_t *counts, int32_t ncases, ck_ranking_result *out);

// Connected components of the nonzero voxels of an nx*ny*nz grid (x fastest) with 26-connectivity,
// which is 8-connectivity when nz == 1. labels gets 0 for background and 1...count in raster order of
// each component's first voxel. Returns count, or -1 when memory runs out.
int64_t ck_label_components(const uint8_t *mask, int64_t nx, int64_t ny, int64_t nz, int32_t *labels);

// Lesion-wise detection of one volume at every threshold of an ascending list.
// For level k: detected[k] = ground-truth components holding a voxel with score >= thresholds[k];
// false_positives[k] = connected components (26-connectivity) of {score >= thresholds[k]} that touch no
// ground-truth voxel. gt_labels from ck_label_components with gt_count components.
// Returns 0, or -1 when memory runs out.
int ck_lesion_detection_curve(const float *scores, const int32_t *gt_labels, int64_t gt_count,
                              int64_t nx, int64_t ny, int64_t nz, const float *thresholds, int32_t nlevels,
                              int64_t *detected, int64_t *false_positives);
