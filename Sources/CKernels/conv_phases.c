#include "ck_conv.h"

// A 3x3 convolution (padding 1) of a nearest-upsampled image equals four 2x2 convolutions (padding 1)
// of the image itself, one per output phase (py, px): the GEMM then runs on a quarter of the pixels
// with 4/9 of the taps. These kernels move values between the phase-major result and the image.

void ck_phases_interleave_forward(const float *phases, float *up, long N, long C, long H, long W) {
    const long HP = H + 1, WP = W + 1;
#pragma omp parallel for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long c = 0; c < C; c++) {
            float *dst = up + (n * C + c) * 4 * H * W;
            for (long py = 0; py < 2; py++) {
                for (long i = 0; i < H; i++) {
                    float *row = dst + (2 * i + py) * 2 * W;
                    const float *even = phases + ((n * 4 + 2 * py) * C + c) * HP * WP + (i + py) * WP;
                    const float *odd = phases + ((n * 4 + 2 * py + 1) * C + c) * HP * WP + (i + py) * WP + 1;
                    for (long j = 0; j < W; j++) {
                        row[2 * j] = even[j];
                        row[2 * j + 1] = odd[j];
                    }
                }
            }
        }
    }
}

void ck_phases_interleave_backward(const float *dup, float *dphases, long N, long C, long H, long W) {
    const long HP = H + 1, WP = W + 1;
#pragma omp parallel for collapse(2) schedule(static)
    for (long n = 0; n < N; n++) {
        for (long c = 0; c < C; c++) {
            const float *src = dup + (n * C + c) * 4 * H * W;
            for (long p = 0; p < 4; p++) {
                const long py = p / 2, px = p % 2;
                float *plane = dphases + ((n * 4 + p) * C + c) * HP * WP;
                // The row and column each phase does not read stay zero.
                for (long r = 0; r < HP; r++) {
                    float *row = plane + r * WP;
                    const long i = r - py;
                    if (i < 0 || i >= H) {
                        for (long s = 0; s < WP; s++) row[s] = 0.0f;
                        continue;
                    }
                    const float *from = src + (2 * i + py) * 2 * W + px;
                    row[px == 0 ? W : 0] = 0.0f;
                    for (long j = 0; j < W; j++) row[j + px] = from[2 * j];
                }
            }
        }
    }
}
