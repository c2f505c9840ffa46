// The OpenMP entry points the kernels call, and the run-time choice of instruction set for their hot
// loops. Private to CKernels.
#pragma once

// libomp's entry points, declared here because Debian keeps omp.h outside the default include path.
void omp_set_num_threads(int);
int omp_get_max_threads(void);
int omp_get_num_threads(void);
int omp_get_thread_num(void);

// CKernels is compiled for the baseline of its architecture (on x86-64: SSE2), so that it runs on every
// CPU of it. A function marked CK_VECTORISED is compiled twice more, for x86-64-v3 (AVX2, FMA) and
// x86-64-v4 (AVX-512), and the dynamic loader binds it to the copy the CPU can run (a GNU ifunc, so ELF
// platforms only; elsewhere, and on other architectures, the one copy is the baseline's).
//
// OpenMP moves the body of a parallel region into a function of its own that keeps the baseline, however
// the enclosing function is marked. So the marked functions are what each thread of the team runs: the
// work of one item, called from a parallel loop, or a "team" function holding a whole loop as an orphaned
// `omp for`, whose body stays in place, called from a bare `omp parallel`.
//
// A build may define CK_VECTORISED itself: empty for the baseline alone, or one target attribute, as
// scripts/check-kernels-x86.sh does to run the AVX2 copy on a CPU that would pick the AVX-512 one.
#ifndef CK_VECTORISED
#if defined(__x86_64__) && defined(__ELF__)
#define CK_VECTORISED __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CK_VECTORISED
#endif
#endif
