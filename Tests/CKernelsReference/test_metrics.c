// Pooled ranking metrics against a full sort of every (score, label) pair, connected components against
// a breadth-first flood fill, and the lesion detection curve against one labelling per threshold.
#include "reference.h"
#include "ck_metrics.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { float score; uint8_t label; } scored;

static int by_score_descending(const void *a, const void *b) {
    float x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return (x < y) - (x > y);
}

static void check_ranking(void) {
    enum { CASES = 2 };
    const int64_t counts[CASES] = {500, 300};
    float *scores[CASES];
    uint8_t *labels[CASES];
    scored *all = ref_bytes(sizeof(scored) * 800);
    ref_rng r = {29};
    int64_t n = 0;
    for (int c = 0; c < CASES; c++) {
        scores[c] = ref_floats(counts[c]);
        labels[c] = ref_bytes(counts[c]);
        for (int64_t i = 0; i < counts[c]; i++) {
            labels[c][i] = ref_uniform(&r, 0, 1) < 0.2;
            // Scores on a 1/64 grid make ties; positives score higher on average.
            scores[c][i] = (float)(floor(ref_uniform(&r, 0, 1) * (labels[c][i] ? 1.3 : 1) * 64) / 64);
            if (scores[c][i] > 1) scores[c][i] = 1;
            all[n++] = (scored){scores[c][i], labels[c][i]};
        }
    }
    qsort(all, (size_t)n, sizeof *all, by_score_descending);
    int64_t positives = 0, distinct = 0, tp = 0, fp = 0;
    for (int64_t i = 0; i < n; i++) positives += all[i].label;
    double ap = 0, auc = 0, best_f1 = -1;
    float best_threshold = 0;
    for (int64_t i = 0; i < n;) {
        int64_t pos = 0, neg = 0, j = i;
        for (; j < n && all[j].score == all[i].score; j++) pos += all[j].label, neg += !all[j].label;
        auc += neg * (tp + 0.5 * pos);   // negatives of this score rank below tp positives, tie with pos
        tp += pos;
        fp += neg;
        ap += pos * ((double)tp / (tp + fp));
        double f1 = 2.0 * tp / (tp + fp + positives);
        if (f1 > best_f1) { best_f1 = f1; best_threshold = all[i].score; }
        distinct++;
        i = j;
    }
    const int64_t negatives = n - positives;
    ap /= positives;
    auc /= (double)positives * negatives;
    ck_ranking_result got;
    int status = ck_metrics_pooled_ranking((const float *const *)scores, (const uint8_t *const *)labels, counts, CASES, &got);
    char detail[200];
    snprintf(detail, sizeof detail, "status %d, P %lld N %lld distinct %lld AP %.12g (%.12g) AUROC %.12g (%.12g) F1 %.12g (%.12g) at %g (%g)",
             status, (long long)got.positives, (long long)got.negatives, (long long)got.distinct_scores,
             got.average_precision, ap, got.auroc, auc, got.best_f1, best_f1, got.best_f1_threshold, best_threshold);
    ref_expect("metrics/pooled ranking", status == 0 && got.positives == positives && got.negatives == negatives &&
               got.distinct_scores == distinct && fabs(got.average_precision - ap) < 1e-12 &&
               fabs(got.auroc - auc) < 1e-12 && fabs(got.best_f1 - best_f1) < 1e-12 &&
               got.best_f1_threshold == best_threshold, detail);
    scores[1][7] = 1.5f;
    status = ck_metrics_pooled_ranking((const float *const *)scores, (const uint8_t *const *)labels, counts, CASES, &got);
    ref_expect("metrics/pooled ranking names a score above 1", status == -1 && got.bad_case == 1 && got.bad_index == 7,
               "not reported as case 1, index 7");
    for (int c = 0; c < CASES; c++) { free(scores[c]); free(labels[c]); }
    free(all);
}

// Components of mask (26-connected) by breadth-first search, labelled in raster order of first voxel.
static int64_t flood_fill(const uint8_t *mask, int64_t nx, int64_t ny, int64_t nz, int32_t *labels) {
    const int64_t n = nx * ny * nz;
    int64_t *queue = ref_bytes(sizeof(int64_t) * n), count = 0;
    memset(labels, 0, sizeof(int32_t) * n);
    for (int64_t seed = 0; seed < n; seed++) {
        if (!mask[seed] || labels[seed]) continue;
        int64_t head = 0, tail = 0;
        labels[seed] = (int32_t)++count;
        queue[tail++] = seed;
        while (head < tail) {
            int64_t i = queue[head++], x = i % nx, y = i / nx % ny, z = i / (nx * ny);
            for (int64_t dz = -1; dz <= 1; dz++)
                for (int64_t dy = -1; dy <= 1; dy++)
                    for (int64_t dx = -1; dx <= 1; dx++) {
                        int64_t xx = x + dx, yy = y + dy, zz = z + dz;
                        if (xx < 0 || xx >= nx || yy < 0 || yy >= ny || zz < 0 || zz >= nz) continue;
                        int64_t j = xx + nx * (yy + ny * zz);
                        if (mask[j] && !labels[j]) { labels[j] = (int32_t)count; queue[tail++] = j; }
                    }
        }
    }
    free(queue);
    return count;
}

static void check_components(void) {
    const int64_t nx = 9, ny = 8, nz = 5, n = nx * ny * nz;
    enum { LEVELS = 4 };
    const float thresholds[LEVELS] = {0.2f, 0.5f, 0.7f, 0.9f};
    ref_rng r = {37};
    uint8_t *mask = ref_bytes(n), *above = ref_bytes(n);
    int32_t *labels = ref_bytes(sizeof(int32_t) * n), *want = ref_bytes(sizeof(int32_t) * n);
    int32_t *level_labels = ref_bytes(sizeof(int32_t) * n);
    float *scores = ref_floats(n);
    for (int64_t i = 0; i < n; i++) mask[i] = ref_uniform(&r, 0, 1) < 0.15;
    ref_fill(scores, n, 0, 1, &r);
    int64_t want_count = flood_fill(mask, nx, ny, nz, want);
    int64_t count = ck_label_components(mask, nx, ny, nz, labels);
    ref_expect("metrics/connected components", count == want_count && !memcmp(labels, want, sizeof(int32_t) * n),
               "labels differ from the flood fill");

    int64_t detected[LEVELS], false_positives[LEVELS], want_detected[LEVELS], want_fp[LEVELS];
    for (int k = 0; k < LEVELS; k++) {
        for (int64_t i = 0; i < n; i++) above[i] = scores[i] >= thresholds[k];
        int64_t components = flood_fill(above, nx, ny, nz, level_labels);
        uint8_t *lesion_hit = ref_bytes((size_t)want_count + 1), *touches = ref_bytes((size_t)components + 1);
        for (int64_t i = 0; i < n; i++) {
            if (above[i] && want[i]) lesion_hit[want[i]] = 1;
            if (above[i] && mask[i]) touches[level_labels[i]] = 1;
        }
        want_detected[k] = want_fp[k] = 0;
        for (int64_t g = 1; g <= want_count; g++) want_detected[k] += lesion_hit[g];
        for (int64_t c = 1; c <= components; c++) want_fp[k] += !touches[c];
        free(lesion_hit);
        free(touches);
    }
    int status = ck_lesion_detection_curve(scores, want, want_count, nx, ny, nz, thresholds, LEVELS, detected,
                                           false_positives);
    ref_expect("metrics/lesion detection curve", status == 0 && !memcmp(detected, want_detected, sizeof detected) &&
               !memcmp(false_positives, want_fp, sizeof false_positives), "counts differ from one labelling per level");
    free(mask); free(above); free(labels); free(want); free(level_labels); free(scores);
}

void test_metrics(void) {
    check_ranking();
    check_components();
}
