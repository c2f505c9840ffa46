// Threads and CPU features shared by every kernel.
#pragma once

// Sets the OpenMP team size used by all kernels.
void ck_set_num_threads(int n);
int ck_get_max_threads(void);

// CPU features of the running machine (0 or 1).
int ck_cpu_has_avx512f(void);
int ck_cpu_has_avx2(void);
