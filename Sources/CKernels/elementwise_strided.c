#include "ck_elementwise.h"
#include "elementwise_math.h"
#include "parallel.h"

// Elements per parallel work item: large enough to amortise the index set-up, small enough to balance.
#define CK_CHUNK (1L << 14)

typedef void (*span_fn)(long n, const float *a, long sa, const float *b, long sb, float *o, long so);

// One run along the innermost axis. The unit-stride and broadcast-scalar cases get their own loops so
// the compiler vectorises the common layouts: same shape, scalar, bias over the last axis.
#define DEFINE_SPAN(name, EXPR)                                                                           \
    CK_VECTORISED                                                                                         \
    static void name(long n, const float *restrict a, long sa, const float *restrict b, long sb,         \
                     float *restrict o, long so) {                                                       \
        if (sa == 1 && sb == 1 && so == 1) {                                                              \
            for (long i = 0; i < n; i++) { float x = a[i], y = b[i]; o[i] = (EXPR); }                     \
        } else if (sa == 1 && sb == 0 && so == 1) {                                                       \
            const float y = b[0];                                                                         \
            for (long i = 0; i < n; i++) { float x = a[i]; o[i] = (EXPR); }                               \
        } else if (sa == 0 && sb == 1 && so == 1) {                                                       \
            const float x = a[0];                                                                         \
            for (long i = 0; i < n; i++) { float y = b[i]; o[i] = (EXPR); }                               \
        } else {                                                                                          \
            for (long i = 0; i < n; i++) { float x = a[i * sa], y = b[i * sb]; o[i * so] = (EXPR); }      \
        }                                                                                                 \
    }

DEFINE_SPAN(span_copy, ((void)y, x))
DEFINE_SPAN(span_add, x + y)
DEFINE_SPAN(span_sub, x - y)
DEFINE_SPAN(span_mul, x * y)
DEFINE_SPAN(span_div, x / y)

static span_fn pick_span(int op) {
    switch (op) {
    case CK_ADD: return span_add;
    case CK_SUB: return span_sub;
    case CK_MUL: return span_mul;
    case CK_DIV: return span_div;
    default: return span_copy;
    }
}

void ck_strided_binary(int op, int rank, const long *dims,
                       const float *a, const long *sa, const float *b, const long *sb,
                       float *out, const long *so) {
    span_fn span = pick_span(op);
    if (op == CK_COPY) { b = a; sb = sa; }
    if (rank == 0) { span(1, a, 0, b, 0, out, 0); return; }
    long total = 1;
    for (int d = 0; d < rank; d++) total *= dims[d];
    if (total == 0) return;
    const int last = rank - 1;
    const long chunks = (total + CK_CHUNK - 1) / CK_CHUNK;
    #pragma omp parallel for schedule(static) if (total >= CK_PARALLEL_MIN)
    for (long c = 0; c < chunks; c++) {
        const long start = c * CK_CHUNK;
        const long end = start + CK_CHUNK < total ? start + CK_CHUNK : total;
        long idx[CK_MAX_RANK];
        long oa = 0, ob = 0, oo = 0, rest = start;
        for (int d = last; d >= 0; d--) {
            idx[d] = rest % dims[d];
            rest /= dims[d];
            oa += idx[d] * sa[d]; ob += idx[d] * sb[d]; oo += idx[d] * so[d];
        }
        for (long pos = start; pos < end;) {
            long run = dims[last] - idx[last];
            if (run > end - pos) run = end - pos;
            span(run, a + oa, sa[last], b + ob, sb[last], out + oo, so[last]);
            pos += run;
            idx[last] += run;
            oa += run * sa[last]; ob += run * sb[last]; oo += run * so[last];
            for (int d = last; d > 0 && idx[d] == dims[d]; d--) {
                idx[d] = 0;
                oa += sa[d - 1] - dims[d] * sa[d];
                ob += sb[d - 1] - dims[d] * sb[d];
                oo += so[d - 1] - dims[d] * so[d];
                idx[d - 1]++;
            }
        }
    }
}
