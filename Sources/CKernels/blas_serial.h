// A matrix product on the calling thread alone, for kernels whose jobs run side by side on the team
// and each need products of their own (attention's per-head products). Private to CKernels.
#pragma once

// Row-major C = alpha·op(A)·op(B) + beta·C; op(A) [m, k], op(B) [k, n], C [m, n], leading dimensions
// lda, ldb, ldc; op = transpose when the flag is 1.
void ck_sgemm_serial(int m, int n, int k, float alpha, const float *a, int trans_a, int lda,
                     const float *b, int trans_b, int ldb, float beta, float *c, int ldc);
