// Matrix products on medad's one OpenMP team, with OpenBLAS running single-threaded inside it.
#pragma once

// Row-major C_i = op(A_i)·op(B_i) + beta·C_i for i < batch, where A_i = a + i·stride_a (likewise B),
// C_i = c + i·m·n, op = transpose when the flag is 1. A stride of 0 shares one matrix across the batch.
//
// Shapes: op(A) [m, k], op(B) [k, n], C [m, n]; lda = trans_a ? m : k, ldb = trans_b ? k : n, ldc = n.
//
// OpenBLAS itself is held to one thread when the library loads. The team takes whole products when
// there are enough of them, otherwise it splits every product into bands of rows or columns; tiny
// products stay on the calling thread.
void ck_sgemm(int batch, int m, int n, int k,
              const float *a, int trans_a, long stride_a,
              const float *b, int trans_b, long stride_b,
              float *c, float beta);

// The same with explicit leading dimensions (row strides) lda, ldb, ldc and C_i = c + i·stride_c.
void ck_sgemm_ld(int batch, int m, int n, int k,
                 const float *a, int trans_a, int lda, long stride_a,
                 const float *b, int trans_b, int ldb, long stride_b,
                 float *c, int ldc, long stride_c, float beta);
