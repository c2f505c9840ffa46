#include <stdlib.h>
#include "ck_runtime.h"
#include "parallel.h"

// libomp keeps a thread that finishes a parallel region spinning for KMP_BLOCKTIME (200 ms by
// default) in case another region follows. Within medad one team runs every kernel and matrix
// product (blas_gemm.c), so the spin only matters to other processes on the same cores, such as the
// cells of `medad sweep run --jobs N`: 1 ms still bridges back-to-back kernels (bench zoo measured the
// same with 1 and 200 ms), while 0 made every region pay a futex wake-up (4x the system time).
// libomp reads the variable when it initialises, on the first OpenMP call, which comes after this
// constructor; a value the user set is kept.
__attribute__((constructor)) static void ck_short_openmp_spin(void) { setenv("KMP_BLOCKTIME", "1", 0); }

void ck_set_num_threads(int n) { omp_set_num_threads(n > 0 ? n : 1); }
int ck_get_max_threads(void) { return omp_get_max_threads(); }

int ck_cpu_has_avx512f(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? 1 : 0;
#else
    return 0;
#endif
}

int ck_cpu_has_avx2(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}
