// ck_sgemm / ck_sgemm_ld: batching, shared operands, transposes, leading dimensions and the three ways
// the team splits the work (serial, whole products, bands of rows or columns).
#include "reference.h"
#include "ck_blas.h"
#include <stdio.h>
#include <stdlib.h>

// One batched product with row strides pad wider than the matrices; beta 1 accumulates into C.
static void check(const char *name, int batch, int m, int n, int k, int ta, int tb, int share_a, float beta, int pad) {
    ref_rng r = {(uint64_t)(batch * 131 + m * 17 + n * 7 + k + ta * 3 + tb)};
    const int rows_a = ta ? k : m, cols_a = ta ? m : k, rows_b = tb ? n : k, cols_b = tb ? k : n;
    const int lda = cols_a + pad, ldb = cols_b + pad, ldc = n + pad;
    const long sa = share_a ? 0 : (long)rows_a * lda, sb = (long)rows_b * ldb, sc = (long)m * ldc;
    float *a = ref_floats((size_t)(share_a ? 1 : batch) * rows_a * lda), *b = ref_floats((size_t)batch * sb);
    float *c = ref_floats((size_t)batch * sc);
    double *want = ref_doubles((size_t)batch * sc);
    ref_fill(a, (size_t)(share_a ? 1 : batch) * rows_a * lda, -1, 1, &r);
    ref_fill(b, (size_t)batch * sb, -1, 1, &r);
    ref_fill(c, (size_t)batch * sc, -1, 1, &r);
    for (int q = 0; q < batch; q++)
        for (int i = 0; i < m; i++)
            for (int j = 0; j < ldc; j++) {
                size_t at = (size_t)q * sc + (size_t)i * ldc + j;
                if (j >= n) { want[at] = c[at]; continue; }  // the padding is left alone
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)a[q * sa + (ta ? (long)p * lda + i : (long)i * lda + p)] *
                         b[q * sb + (tb ? (long)j * ldb + p : (long)p * ldb + j)];
                want[at] = s + beta * c[at];
            }
    if (pad == 0 && sc == (long)m * n)
        ck_sgemm(batch, m, n, k, a, ta, sa, b, tb, sb, c, beta);
    else
        ck_sgemm_ld(batch, m, n, k, a, ta, lda, sa, b, tb, ldb, sb, c, ldc, sc, beta);
    ref_expect_close(name, c, want, (size_t)batch * sc, 1e-5, 1e-5);
    free(a); free(b); free(c); free(want);
}

void test_blas(void) {
    check("blas/serial small, beta 1", 2, 5, 7, 3, 0, 0, 0, 1, 0);
    check("blas/whole products, A shared", 4, 48, 40, 48, 0, 0, 1, 0, 0);
    check("blas/bands of rows, A^T", 3, 64, 40, 48, 1, 0, 0, 0, 0);
    check("blas/bands of columns, B^T", 3, 24, 100, 40, 0, 1, 0, 0, 0);
    check("blas/bands of columns, A^T B^T, padded rows", 3, 24, 100, 40, 1, 1, 0, 1, 5);
}
