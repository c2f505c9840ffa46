// C reference tests of the CKernels library, in the spirit of llm.c's test files: every kernel family
// runs on small shapes against a plain, obvious C reference (double precision where it sums), and each
// check prints one line. Built outside SwiftPM by scripts/check-kernels-*.sh, so that the same checks
// run under AddressSanitizer and UndefinedBehaviorSanitizer, on x86 CPUs without AVX2 and on aarch64.
#pragma once
#include <stddef.h>
#include <stdint.h>

// A deterministic generator (splitmix64), so that every platform checks the same inputs.
typedef struct { uint64_t state; } ref_rng;
double ref_uniform(ref_rng *r, double lo, double hi);
double ref_normal(ref_rng *r);

// Zeroed memory, or the test run stops: a reference test has no use for a partial result.
float *ref_floats(size_t n);
double *ref_doubles(size_t n);
void *ref_bytes(size_t n);

// x[i] uniform in [lo, hi).
void ref_fill(float *x, size_t n, double lo, double hi, ref_rng *r);

// Passes when every |got[i] - want[i]| <= atol + rtol * |want[i]| (NaN only matches NaN); prints the
// check's line with the worst element. Returns whether it passed.
int ref_expect_close(const char *name, const float *got, const double *want, size_t n, double atol, double rtol);
// The same against a float reference, e.g. the same kernel run another way.
int ref_expect_close_f(const char *name, const float *got, const float *want, size_t n, double atol, double rtol);
// A check decided by the caller; detail is printed after the name when it fails.
int ref_expect(const char *name, int ok, const char *detail);

// Sum of a[i] * b[i] in double: adjoint identities <F x, y> = <x, F^T y> check each backward transform.
double ref_dot(const float *a, const float *b, size_t n);

// The kernel families (one file each).
void test_blas(void);
void test_attention(void);
void test_conv(void);
void test_winograd(void);
void test_norm(void);
void test_scan(void);
void test_elementwise(void);
void test_pool(void);
void test_optim(void);
void test_metrics(void);
void test_volumes(void);
