// The OpenMP entry points that the kernels call by name, for builds without an OpenMP runtime for the
// target (the aarch64 cross build: Debian has no cross libomp, and clang's OpenMP code needs libomp, not
// the cross libgomp). Those builds compile with -fopenmp-simd, which keeps the simd loops and drops the
// threading pragmas, so every kernel runs on a team of one.
void omp_set_num_threads(int n) { (void)n; }
int omp_get_max_threads(void) { return 1; }
int omp_get_num_threads(void) { return 1; }
int omp_get_thread_num(void) { return 0; }
