// Row-major sgemm by its definition, C = alpha op(A) op(B) + beta C, summed in double; behind the
// shim/cblas.h declarations. Every element is read through its leading dimension, so AddressSanitizer
// checks each band that ck_sgemm_ld hands over.
#include "cblas.h"

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b, int m, int n,
                 int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    (void)order;  // blas_gemm.c only asks for row-major products
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float x = trans_a == CblasTrans ? a[(long)p * lda + i] : a[(long)i * lda + p];
                float y = trans_b == CblasTrans ? b[(long)j * ldb + p] : b[(long)p * ldb + j];
                s += (double)x * y;
            }
            float *out = c + (long)i * ldc + j;
            *out = (float)(alpha * s) + (beta == 0 ? 0.0f : beta * *out);
        }
}

void openblas_set_num_threads(int n) { (void)n; }
