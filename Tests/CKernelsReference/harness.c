// The checks' bookkeeping and main: runs every family with a team of 2 threads and closes with the
// "N passed, N failed" line; the exit status is 1 when a check failed.
#include "reference.h"
#include "ck_runtime.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int passed, failed;

double ref_uniform(ref_rng *r, double lo, double hi) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return lo + (hi - lo) * (double)(z >> 11) * 0x1p-53;
}

double ref_normal(ref_rng *r) {
    double u1 = ref_uniform(r, 0x1p-53, 1), u2 = ref_uniform(r, 0, 1);
    return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

void *ref_bytes(size_t n) {
    void *p = calloc(n ? n : 1, 1);
    if (!p) { fprintf(stderr, "reference tests: out of memory for %zu bytes\n", n); exit(2); }
    return p;
}

float *ref_floats(size_t n) { return ref_bytes(n * sizeof(float)); }
double *ref_doubles(size_t n) { return ref_bytes(n * sizeof(double)); }

void ref_fill(float *x, size_t n, double lo, double hi, ref_rng *r) {
    for (size_t i = 0; i < n; i++) x[i] = (float)ref_uniform(r, lo, hi);
}

double ref_dot(const float *a, const float *b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

int ref_expect(const char *name, int ok, const char *detail) {
    if (ok) passed++; else failed++;
    if (ok) printf("ok   %s\n", name);
    else printf("FAIL %s: %s\n", name, detail);
    return ok;
}

int ref_expect_close(const char *name, const float *got, const double *want, size_t n, double atol, double rtol) {
    size_t worst = 0;
    double worst_excess = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double g = got[i], w = want[i];
        double excess = isnan(g) || isnan(w) ? (isnan(g) && isnan(w) ? -INFINITY : INFINITY)
                                             : fabs(g - w) - (atol + rtol * fabs(w));
        if (excess > worst_excess) { worst_excess = excess; worst = i; }
    }
    int ok = worst_excess <= 0;
    char detail[160] = "";
    if (n) snprintf(detail, sizeof detail, "element %zu of %zu is %.9g, reference %.9g (atol %g, rtol %g)",
                    worst, n, (double)got[worst], want[worst], atol, rtol);
    return ref_expect(name, ok, detail);
}

int ref_expect_close_f(const char *name, const float *got, const float *want, size_t n, double atol, double rtol) {
    double *w = ref_doubles(n);
    for (size_t i = 0; i < n; i++) w[i] = want[i];
    int ok = ref_expect_close(name, got, w, n, atol, rtol);
    free(w);
    return ok;
}

int main(void) {
    ck_set_num_threads(2);
    test_blas();
    test_attention();
    test_conv();
    test_winograd();
    test_norm();
    test_scan();
    test_elementwise();
    test_pool();
    test_optim();
    test_metrics();
    test_volumes();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
