#if defined(__APPLE__)
// Accelerate's BLAS: its current interface (macOS 13.3), which threads its products itself.
#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif
#include "ck_blas.h"
#include "blas_serial.h"
#include "parallel.h"

// Why not let OpenBLAS thread its own GEMMs: its pthread pool and libomp's team are separate sets of
// threads on the same cores. On 2 cores a GEMM that followed an OpenMP kernel often ran one of its
// two halves on a core still held by a spinning OpenMP thread, and the training step of the zoo
// flipped between about 1.0 s and 1.5 s from run to run. One team for everything removes the fight.

// Products below this many multiply-adds cost less than waking the team.
static const double serial_macs = 1 << 18;
// Band edges fall on multiples of the SkylakeX/Haswell micro-kernel widths.
static const int band_align = 16;

// OpenBLAS initialises before this library's constructors run, so its thread count can be set here,
// ahead of any product; a multi-threaded OpenBLAS inside the team would oversubscribe the cores.
#if !defined(__APPLE__)
__attribute__((constructor)) static void ck_blas_single_threaded(void) { openblas_set_num_threads(1); }
#endif

// Leading dimensions of the three matrices.
typedef struct { int a, b, c; } strides;

// One band of rows [r0, r1) or columns [r0, r1) of a product, keeping the full matrices' strides.
static void band(int m, int n, int k, const float *a, int trans_a, const float *b, int trans_b,
                 float *c, float beta, strides ld, int split_rows, int r0, int r1) {
    if (r1 <= r0) return;
    if (split_rows) {
        ck_sgemm_serial(r1 - r0, n, k, 1.0f, trans_a ? a + r0 : a + (long)r0 * ld.a, trans_a, ld.a, b, trans_b, ld.b, beta,
                        c + (long)r0 * ld.c, ld.c);
    } else {
        ck_sgemm_serial(m, r1 - r0, k, 1.0f, a, trans_a, ld.a, trans_b ? b + (long)r0 * ld.b : b + r0, trans_b, ld.b, beta,
                        c + r0, ld.c);
    }
}

static void product(int m, int n, int k, const float *a, int trans_a, const float *b, int trans_b,
                    float *c, float beta, strides ld) {
    band(m, n, k, a, trans_a, b, trans_b, c, beta, ld, 1, 0, m);
}

static int band_edge(int extent, int part, int parts) {
    long edge = (long)extent * part / parts;
    edge = (edge + band_align / 2) / band_align * band_align;
    return part == parts || edge > extent ? extent : (int)edge;
}

void ck_sgemm_ld(int batch, int m, int n, int k,
                 const float *a, int trans_a, int lda, long stride_a,
                 const float *b, int trans_b, int ldb, long stride_b,
                 float *c, int ldc, long stride_c, float beta) {
    if (batch <= 0 || m <= 0 || n <= 0) return;
    const strides ld = {lda, ldb, ldc};
    const int threads = omp_get_max_threads();
    if (threads == 1 || (double)batch * m * n * k < serial_macs) {
        for (int i = 0; i < batch; i++)
            product(m, n, k, a + i * stride_a, trans_a, b + i * stride_b, trans_b, c + i * stride_c, beta, ld);
        return;
    }
    // Whole products per thread when they divide evenly or are plentiful enough that one spare costs
    // little (the 9 of an upsampled Winograd convolution on 2 threads would split 5:4, so they are banded).
    if (batch % threads == 0 || batch >= 8 * threads) {
        #pragma omp parallel for schedule(static)
        for (int i = 0; i < batch; i++)
            product(m, n, k, a + i * stride_a, trans_a, b + i * stride_b, trans_b, c + i * stride_c, beta, ld);
        return;
    }
    const int split_rows = m >= n, extent = split_rows ? m : n;
    #pragma omp parallel
    {
        const int t = omp_get_thread_num(), parts = omp_get_num_threads();
        const int r0 = band_edge(extent, t, parts), r1 = band_edge(extent, t + 1, parts);
        for (int i = 0; i < batch; i++)
            band(m, n, k, a + i * stride_a, trans_a, b + i * stride_b, trans_b, c + i * stride_c, beta, ld,
                 split_rows, r0, r1);
    }
}

void ck_sgemm(int batch, int m, int n, int k,
              const float *a, int trans_a, long stride_a,
              const float *b, int trans_b, long stride_b,
              float *c, float beta) {
    ck_sgemm_ld(batch, m, n, k, a, trans_a, trans_a ? m : k, stride_a, b, trans_b, trans_b ? k : n, stride_b,
                c, n, (long)m * n, beta);
}

void ck_sgemm_serial(int m, int n, int k, float alpha, const float *a, int trans_a, int lda,
                     const float *b, int trans_b, int ldb, float beta, float *c, int ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
