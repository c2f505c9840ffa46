// Exact pooled ranking metrics (average precision, AUROC, best F1) for hundreds of millions of voxels.
// A comparison sort of 134M scores is slow, so scores in [0, 1] become their IEEE bit patterns, which are
// order-preserving for non-negative floats and at most 0x3F800000 (30 bits). A histogram pass on the top
// 16 key bits, a stable scatter of (key << 1 | label) into those buckets, and a per-bucket histogram on
// the low 14 bits visit every distinct score in descending order exactly as a full sort would.
#include "ck_metrics.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "parallel.h"

enum { LOW_BITS = 14, LOW_KEYS = 1 << LOW_BITS };
#define ONE_KEY 0x3F800000u
#define BUCKETS ((ONE_KEY >> LOW_BITS) + 1)

// Non-negative floats order like their bit patterns; -0 joins +0; NaN, negatives and values above 1 all
// map above ONE_KEY and are rejected by the caller.
static inline uint32_t score_key(float s) {
    uint32_t bits;
    memcpy(&bits, &s, sizeof bits);
    return bits == 0x80000000u ? 0u : bits;
}

// The cases form one virtual array; worker t of nt owns the global index range [lo, hi).
typedef struct {
    const float *const *scores;
    const uint8_t *const *labels;
    const int64_t *counts;
    int32_t ncases;
} pooled_input;

typedef void (*segment_fn)(const float *s, const uint8_t *l, int64_t len, int64_t global_start, void *ctx);

static void for_each_segment(const pooled_input *in, int64_t lo, int64_t hi, segment_fn fn, void *ctx) {
    int64_t start = 0;
    for (int32_t c = 0; c < in->ncases && start < hi; c++) {
        int64_t end = start + in->counts[c];
        int64_t a = lo > start ? lo : start, b = hi < end ? hi : end;
        if (a < b) fn(in->scores[c] + (a - start), in->labels[c] + (a - start), b - a, a, ctx);
        start = end;
    }
}

typedef struct { int64_t *total, *positive; int64_t first_bad; } histogram_ctx;

static void histogram_segment(const float *s, const uint8_t *l, int64_t len, int64_t g, void *vctx) {
    histogram_ctx *ctx = vctx;
    for (int64_t i = 0; i < len; i++) {
        uint32_t key = score_key(s[i]);
        if (key > ONE_KEY) {
            if (ctx->first_bad < 0) ctx->first_bad = g + i;
            continue;
        }
        ctx->total[key >> LOW_BITS]++;
        ctx->positive[key >> LOW_BITS] += l[i] != 0;
    }
}

typedef struct { int64_t *cursor; uint32_t *packed; } scatter_ctx;

static void scatter_segment(const float *s, const uint8_t *l, int64_t len, int64_t g, void *vctx) {
    (void)g;
    scatter_ctx *ctx = vctx;
    for (int64_t i = 0; i < len; i++) {
        uint32_t key = score_key(s[i]);
        ctx->packed[ctx->cursor[key >> LOW_BITS]++] = (key << 1) | (l[i] != 0);
    }
}

// One bucket's share of the metrics, given the positives and negatives scoring above the bucket.
typedef struct {
    double ap_sum;
    unsigned __int128 auc_twice;
    double best_f1;
    uint32_t best_key;
    int64_t distinct;
} bucket_part;

static void score_bucket(const uint32_t *packed, int64_t len, uint32_t bucket, int64_t tp, int64_t fp,
                         int64_t positives, uint32_t *hist, bucket_part *part) {
    uint32_t low_min = 2 * LOW_KEYS, low_max = 0;
    for (int64_t i = 0; i < len; i++) {
        uint32_t low = packed[i] & (2 * LOW_KEYS - 1);
        hist[low]++;
        if (low < low_min) low_min = low;
        if (low > low_max) low_max = low;
    }
    part->best_f1 = -1;
    for (int64_t j = low_max >> 1; j >= (int64_t)(low_min >> 1); j--) {
        uint32_t neg = hist[2 * j], pos = hist[2 * j + 1];
        if ((neg | pos) == 0) continue;
        hist[2 * j] = hist[2 * j + 1] = 0;
        part->distinct++;
        part->auc_twice += (unsigned __int128)neg * (uint64_t)(2 * tp + pos);
        tp += pos;
        fp += neg;
        if (pos) part->ap_sum += (double)pos * ((double)tp / (double)(tp + fp));
        double f1 = 2.0 * (double)tp / (double)(tp + fp + positives);
        if (f1 > part->best_f1) {
            part->best_f1 = f1;
            part->best_key = (bucket << LOW_BITS) | (uint32_t)j;
        }
    }
}

int ck_metrics_pooled_ranking(const float *const *scores, const uint8_t *const *labels,
                              const int64_t *counts, int32_t ncases, ck_ranking_result *out) {
    memset(out, 0, sizeof *out);
    out->bad_case = -1;
    out->bad_index = -1;
    pooled_input in = {scores, labels, counts, ncases};
    int64_t n = 0;
    for (int32_t c = 0; c < ncases; c++) n += counts[c];

    int nt = omp_get_max_threads();
    int64_t *hist = calloc((size_t)nt * BUCKETS * 2, sizeof(int64_t));
    int64_t *first_bad = malloc((size_t)nt * sizeof(int64_t));
    if (!hist || !first_bad) { free(hist); free(first_bad); return -2; }

#pragma omp parallel num_threads(nt)
    for (int t = omp_get_thread_num(); t < nt; t += omp_get_num_threads()) {
        histogram_ctx ctx = {hist + (size_t)t * BUCKETS * 2, hist + (size_t)t * BUCKETS * 2 + BUCKETS, -1};
        for_each_segment(&in, n * t / nt, n * (t + 1) / nt, histogram_segment, &ctx);
        first_bad[t] = ctx.first_bad;
    }
    int64_t bad = -1;
    for (int t = 0; t < nt; t++)
        if (first_bad[t] >= 0 && (bad < 0 || first_bad[t] < bad)) bad = first_bad[t];
    free(first_bad);
    if (bad >= 0) {
        int64_t start = 0;
        for (int32_t c = 0; c < ncases; c++) {
            if (bad < start + counts[c]) { out->bad_case = c; out->bad_index = bad - start; break; }
            start += counts[c];
        }
        free(hist);
        return -1;
    }

    // Bucket totals, per-worker write cursors, and the positives/negatives scoring above each bucket.
    int64_t *bucket_start = malloc((BUCKETS + 1) * sizeof(int64_t));
    int64_t *bucket_pos = calloc(BUCKETS, sizeof(int64_t));
    int64_t *above_tp = malloc(BUCKETS * sizeof(int64_t)), *above_fp = malloc(BUCKETS * sizeof(int64_t));
    uint32_t *packed = malloc((size_t)(n > 0 ? n : 1) * sizeof(uint32_t));
    bucket_part *parts = calloc(BUCKETS, sizeof(bucket_part));
    if (!bucket_start || !bucket_pos || !above_tp || !above_fp || !packed || !parts) {
        free(hist); free(bucket_start); free(bucket_pos); free(above_tp); free(above_fp); free(packed); free(parts);
        return -2;
    }
    int64_t running = 0;
    for (uint32_t b = 0; b < BUCKETS; b++) {
        bucket_start[b] = running;
        for (int t = 0; t < nt; t++) {
            int64_t *total = hist + (size_t)t * BUCKETS * 2;
            int64_t count = total[b];
            bucket_pos[b] += total[BUCKETS + b];
            total[b] = running;  // becomes worker t's cursor into bucket b
            running += count;
        }
    }
    bucket_start[BUCKETS] = running;
    int64_t positives = 0, negatives = 0;
    for (int64_t b = BUCKETS - 1; b >= 0; b--) {
        above_tp[b] = positives;
        above_fp[b] = negatives;
        positives += bucket_pos[b];
        negatives += bucket_start[b + 1] - bucket_start[b] - bucket_pos[b];
    }

#pragma omp parallel num_threads(nt)
    for (int t = omp_get_thread_num(); t < nt; t += omp_get_num_threads()) {
        scatter_ctx ctx = {hist + (size_t)t * BUCKETS * 2, packed};
        for_each_segment(&in, n * t / nt, n * (t + 1) / nt, scatter_segment, &ctx);
    }
    free(hist);

    int failed = 0;
#pragma omp parallel num_threads(nt)
    {
        uint32_t *low_hist = calloc(2 * LOW_KEYS, sizeof(uint32_t));
        if (!low_hist) {
#pragma omp atomic write
            failed = 1;
        }
        // Cyclic chunks balance the uneven buckets; dynamic scheduling needs a newer libomp than the system's.
#pragma omp for schedule(static, 64)
        for (int64_t b = 0; b < (int64_t)BUCKETS; b++) {
            int64_t len = bucket_start[b + 1] - bucket_start[b];
            if (len == 0 || !low_hist) continue;
            score_bucket(packed + bucket_start[b], len, (uint32_t)b, above_tp[b], above_fp[b], positives,
                         low_hist, &parts[b]);
        }
        free(low_hist);
    }
    free(packed);

    // Fixed descending order, so the result does not depend on the thread count.
    double ap_sum = 0, best_f1 = -1;
    unsigned __int128 auc_twice = 0;
    uint32_t best_key = 0;
    for (int64_t b = BUCKETS - 1; b >= 0; b--) {
        if (bucket_start[b + 1] == bucket_start[b]) continue;
        ap_sum += parts[b].ap_sum;
        auc_twice += parts[b].auc_twice;
        out->distinct_scores += parts[b].distinct;
        if (parts[b].best_f1 > best_f1) { best_f1 = parts[b].best_f1; best_key = parts[b].best_key; }
    }
    free(bucket_start); free(bucket_pos); free(above_tp); free(above_fp); free(parts);
    if (failed) return -2;

    out->positives = positives;
    out->negatives = negatives;
    out->average_precision = positives > 0 ? ap_sum / (double)positives : NAN;
    out->auroc = positives > 0 && negatives > 0
        ? (double)auc_twice / (2.0 * (double)positives * (double)negatives) : NAN;
    out->best_f1 = positives > 0 ? best_f1 : NAN;
    memcpy(&out->best_f1_threshold, &best_key, sizeof best_key);
    return 0;
}
