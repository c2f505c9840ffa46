// What the depthwise convolutions (conv_causal1d.c, conv_depthwise_grid.c) share. Their inner loops run
// over contiguous channels, so the filters are copied tap-major; their weight gradients are reduced
// over the batch in a fixed number of chunks, added in order, so results do not depend on scheduling.
#pragma once
#include <stdlib.h>

enum { REDUCE_CHUNKS = 64 };

// wt[t, c] <- w[c, 0, t] for T taps. NULL when memory runs out.
static inline float *depthwise_taps_by_row(const float *w, long C, long T) {
    float *wt = malloc((size_t)(C * T) * sizeof(float));
    if (!wt) return NULL;
    for (long c = 0; c < C; c++)
        for (long t = 0; t < T; t++) wt[t * C + c] = w[c * T + t];
    return wt;
}

// partial holds REDUCE_CHUNKS rows of [T taps x C | bias C]; dw[c, 0, t] and dbias[c] <- their sums
// over the chunks, in chunk order. Either output may be NULL.
static inline void depthwise_sum_chunks(const float *partial, long C, long T, float *dw, float *dbias) {
    const long stride = (T + 1) * C;
    for (long c = 0; c < C; c++) {
        for (long t = 0; t <= T; t++) {
            float total = 0;
            for (long chunk = 0; chunk < REDUCE_CHUNKS; chunk++) total += partial[chunk * stride + t * C + c];
            if (t < T && dw) dw[c * T + t] = total;
            if (t == T && dbias) dbias[c] = total;
        }
    }
}
