#include "ck_runtime.h"

// libomp's entry points, declared here because Debian keeps omp.h outside the default include path.
void omp_set_num_threads(int);
int omp_get_max_threads(void);

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
