// Average and max pooling, nearest 2x upsampling and global average pooling, both ways, by definition.
#include "reference.h"
#include "ck_pool.h"
#include <stdio.h>
#include <stdlib.h>

static void check_window(long K, long S) {
    const long NC = 3, H = 7, W = 8, HO = (H - K) / S + 1, WO = (W - K) / S + 1;
    ref_rng r = {(uint64_t)(K * 10 + S)};
    float *x = ref_floats(NC * H * W), *y = ref_floats(NC * HO * WO), *dy = ref_floats(NC * HO * WO);
    float *dx = ref_floats(NC * H * W);
    int32_t *argmax = ref_bytes(sizeof(int32_t) * NC * HO * WO);
    double *want = ref_doubles(NC * HO * WO), *want_dx = ref_doubles(NC * H * W);
    double *want_max = ref_doubles(NC * HO * WO), *want_max_dx = ref_doubles(NC * H * W);
    ref_fill(x, NC * H * W, -1, 1, &r);
    x[5] = x[4];  // a tie: the first maximum wins
    ref_fill(dy, NC * HO * WO, -1, 1, &r);
    for (long p = 0; p < NC; p++)
        for (long oh = 0; oh < HO; oh++)
            for (long ow = 0; ow < WO; ow++) {
                long o = (p * HO + oh) * WO + ow, best = -1;
                for (long i = 0; i < K; i++)
                    for (long j = 0; j < K; j++) {
                        long at = (p * H + oh * S + i) * W + ow * S + j;
                        want[o] += x[at] / (double)(K * K);
                        want_dx[at] += dy[o] / (double)(K * K);
                        if (best < 0 || x[at] > x[best]) best = at;
                    }
                want_max[o] = x[best];
                want_max_dx[best] += dy[o];
            }
    char label[64];
    ck_avgpool2d_forward(x, y, NC, H, W, K, S, HO, WO);
    snprintf(label, sizeof label, "pool/avg %ldx%ld stride %ld", K, K, S);
    ref_expect_close(label, y, want, NC * HO * WO, 1e-6, 1e-6);
    ck_avgpool2d_backward(dy, dx, NC, H, W, K, S, HO, WO);
    snprintf(label, sizeof label, "pool/avg %ldx%ld stride %ld backward", K, K, S);
    ref_expect_close(label, dx, want_dx, NC * H * W, 1e-6, 1e-6);
    ck_maxpool2d_forward(x, y, argmax, NC, H, W, K, S, HO, WO);
    snprintf(label, sizeof label, "pool/max %ldx%ld stride %ld", K, K, S);
    ref_expect_close(label, y, want_max, NC * HO * WO, 0, 0);
    ck_maxpool2d_backward(dy, argmax, dx, NC, H, W, HO, WO);
    snprintf(label, sizeof label, "pool/max %ldx%ld stride %ld backward", K, K, S);
    ref_expect_close(label, dx, want_max_dx, NC * H * W, 1e-6, 1e-6);
    free(x); free(y); free(dy); free(dx); free(argmax); free(want); free(want_dx); free(want_max); free(want_max_dx);
}

static void check_resample(void) {
    const long NC = 2, H = 3, W = 5, HW = H * W;
    ref_rng r = {17};
    float *x = ref_floats(NC * HW), *up = ref_floats(4 * NC * HW), *dup = ref_floats(4 * NC * HW), *dx = ref_floats(NC * HW);
    float *mean = ref_floats(NC), *dmean = ref_floats(NC);
    double *want_up = ref_doubles(4 * NC * HW), *want_dx = ref_doubles(NC * HW), *want_mean = ref_doubles(NC);
    double *want_mean_dx = ref_doubles(NC * HW);
    ref_fill(x, NC * HW, -1, 1, &r);
    ref_fill(dup, 4 * NC * HW, -1, 1, &r);
    ref_fill(dmean, NC, -1, 1, &r);
    for (long p = 0; p < NC; p++)
        for (long h = 0; h < 2 * H; h++)
            for (long w = 0; w < 2 * W; w++) {
                long o = (p * 2 * H + h) * 2 * W + w, i = (p * H + h / 2) * W + w / 2;
                want_up[o] = x[i];
                want_dx[i] += dup[o];
            }
    for (long p = 0; p < NC; p++)
        for (long i = 0; i < HW; i++) {
            want_mean[p] += x[p * HW + i] / (double)HW;
            want_mean_dx[p * HW + i] = dmean[p] / (double)HW;
        }
    ck_upsample_nearest2x_forward(x, up, NC, H, W);
    ref_expect_close("pool/upsample x2", up, want_up, 4 * NC * HW, 0, 0);
    ck_upsample_nearest2x_backward(dup, dx, NC, H, W);
    ref_expect_close("pool/upsample x2 backward", dx, want_dx, NC * HW, 1e-6, 1e-6);
    ck_global_avgpool_forward(x, mean, NC, HW);
    ref_expect_close("pool/global average", mean, want_mean, NC, 1e-7, 1e-6);
    ck_global_avgpool_backward(dmean, dx, NC, HW);
    ref_expect_close("pool/global average backward", dx, want_mean_dx, NC * HW, 1e-7, 1e-6);
    free(x); free(up); free(dup); free(dx); free(mean); free(dmean); free(want_up); free(want_dx); free(want_mean);
    free(want_mean_dx);
}

void test_pool(void) {
    check_window(2, 2);
    check_window(3, 2);
    check_window(3, 1);
    check_resample();
}
