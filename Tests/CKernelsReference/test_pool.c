// Average and max pooling, nearest 2x upsampling and global average pooling of images and volumes, both
// ways, by definition.
#include "reference.h"
#include "ck_pool.h"
#include <stdio.h>
#include <stdlib.h>

// Images are volumes of depth 1 with KD = 1 (square windows); volumes have cubic windows, KD = K.
static void check_window(long D, long KD, long K, long S) {
    const long NC = 3, H = 7, W = 8, DO = (D - KD) / S + 1, HO = (H - K) / S + 1, WO = (W - K) / S + 1;
    const long V = D * H * W, Q = DO * HO * WO;
    ref_rng r = {(uint64_t)(D * 1000 + KD * 100 + K * 10 + S)};
    float *x = ref_floats(NC * V), *y = ref_floats(NC * Q), *dy = ref_floats(NC * Q), *dx = ref_floats(NC * V);
    int32_t *argmax = ref_bytes(sizeof(int32_t) * NC * Q);
    double *want = ref_doubles(NC * Q), *want_dx = ref_doubles(NC * V);
    double *want_max = ref_doubles(NC * Q), *want_max_dx = ref_doubles(NC * V);
    ref_fill(x, NC * V, -1, 1, &r);
    // Ties for the maximum of the windows around voxel 4 along w, h and d (the next plane of an image):
    // the first in raster order wins.
    x[4] = x[5] = x[W + 4] = x[H * W + 4] = 2;
    ref_fill(dy, NC * Q, -1, 1, &r);
    for (long p = 0; p < NC; p++)
        for (long od = 0; od < DO; od++)
            for (long oh = 0; oh < HO; oh++)
                for (long ow = 0; ow < WO; ow++) {
                    long o = ((p * DO + od) * HO + oh) * WO + ow, best = -1;
                    for (long a = 0; a < KD; a++)
                        for (long i = 0; i < K; i++)
                            for (long j = 0; j < K; j++) {
                                long at = ((p * D + od * S + a) * H + oh * S + i) * W + ow * S + j;
                                want[o] += x[at] / (double)(KD * K * K);
                                want_dx[at] += dy[o] / (double)(KD * K * K);
                                if (best < 0 || x[at] > x[best]) best = at;
                            }
                    want_max[o] = x[best];
                    want_max_dx[best] += dy[o];
                }
    char label[80], window[32];
    if (KD == 1) snprintf(window, sizeof window, "%ldx%ld", K, K);
    else snprintf(window, sizeof window, "%ldx%ldx%ld", KD, K, K);
    ck_avgpool_forward(x, y, NC, D, H, W, KD, K, S, DO, HO, WO);
    snprintf(label, sizeof label, "pool/avg %s stride %ld", window, S);
    ref_expect_close(label, y, want, NC * Q, 1e-6, 1e-6);
    ck_avgpool_backward(dy, dx, NC, D, H, W, KD, K, S, DO, HO, WO);
    snprintf(label, sizeof label, "pool/avg %s stride %ld backward", window, S);
    ref_expect_close(label, dx, want_dx, NC * V, 1e-6, 1e-6);
    ck_maxpool_forward(x, y, argmax, NC, D, H, W, KD, K, S, DO, HO, WO);
    snprintf(label, sizeof label, "pool/max %s stride %ld", window, S);
    ref_expect_close(label, y, want_max, NC * Q, 0, 0);
    ck_maxpool_backward(dy, argmax, dx, NC, D, H, W, DO, HO, WO);
    snprintf(label, sizeof label, "pool/max %s stride %ld backward", window, S);
    ref_expect_close(label, dx, want_max_dx, NC * V, 1e-6, 1e-6);
    free(x); free(y); free(dy); free(dx); free(argmax); free(want); free(want_dx); free(want_max); free(want_max_dx);
}

// RD = 1: images (NC planes of depth D = 1 or more, each upsampled in h and w); RD = 2: volumes.
static void check_resample(long D, long RD) {
    const long NC = 2, H = 3, W = 5, V = D * H * W, U = 4 * RD * V;
    ref_rng r = {17 + (uint64_t)RD};
    float *x = ref_floats(NC * V), *up = ref_floats(NC * U), *dup = ref_floats(NC * U), *dx = ref_floats(NC * V);
    float *mean = ref_floats(NC), *dmean = ref_floats(NC);
    double *want_up = ref_doubles(NC * U), *want_dx = ref_doubles(NC * V), *want_mean = ref_doubles(NC);
    double *want_mean_dx = ref_doubles(NC * V);
    ref_fill(x, NC * V, -1, 1, &r);
    ref_fill(dup, NC * U, -1, 1, &r);
    ref_fill(dmean, NC, -1, 1, &r);
    for (long p = 0; p < NC; p++)
        for (long d = 0; d < RD * D; d++)
            for (long h = 0; h < 2 * H; h++)
                for (long w = 0; w < 2 * W; w++) {
                    long o = ((p * RD * D + d) * 2 * H + h) * 2 * W + w, i = ((p * D + d / RD) * H + h / 2) * W + w / 2;
                    want_up[o] = x[i];
                    want_dx[i] += dup[o];
                }
    for (long p = 0; p < NC; p++)
        for (long i = 0; i < V; i++) {
            want_mean[p] += x[p * V + i] / (double)V;
            want_mean_dx[p * V + i] = dmean[p] / (double)V;
        }
    const char *kind = RD == 2 ? "volume" : "image";
    char label[80];
    ck_upsample_nearest2x_forward(x, up, NC, D, H, W, RD);
    snprintf(label, sizeof label, "pool/upsample x2 %s", kind);
    ref_expect_close(label, up, want_up, NC * U, 0, 0);
    ck_upsample_nearest2x_backward(dup, dx, NC, D, H, W, RD);
    snprintf(label, sizeof label, "pool/upsample x2 %s backward", kind);
    ref_expect_close(label, dx, want_dx, NC * V, 1e-6, 1e-6);
    ck_global_avgpool_forward(x, mean, NC, V);
    snprintf(label, sizeof label, "pool/global average %s", kind);
    ref_expect_close(label, mean, want_mean, NC, 1e-7, 1e-6);
    ck_global_avgpool_backward(dmean, dx, NC, V);
    snprintf(label, sizeof label, "pool/global average %s backward", kind);
    ref_expect_close(label, dx, want_mean_dx, NC * V, 1e-7, 1e-6);
    free(x); free(up); free(dup); free(dx); free(mean); free(dmean); free(want_up); free(want_dx); free(want_mean);
    free(want_mean_dx);
}

void test_pool(void) {
    check_window(1, 1, 2, 2);
    check_window(1, 1, 3, 2);
    check_window(1, 1, 3, 1);
    check_window(5, 2, 2, 2);
    check_window(6, 3, 3, 2);
    check_window(4, 3, 3, 1);
    check_resample(1, 1);
    check_resample(4, 2);
}
