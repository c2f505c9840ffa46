// The part of OpenBLAS's cblas.h that blas_gemm.c uses, for the reference-test builds: they link the
// plain sgemm of blas_reference.c instead of OpenBLAS, which a cross build for aarch64 does not have,
// and which, being uninstrumented, would hide from AddressSanitizer any element that a band of
// ck_sgemm_ld makes it read or write out of bounds.
#pragma once

enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };

void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE trans_a, enum CBLAS_TRANSPOSE trans_b, int m, int n,
                 int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int n);
