#include "ck_elementwise.h"
#include "parallel.h"
#include "softmax_row.h"

CK_VECTORISED static void softmax_team(const float *x, float *y, long outer, long r, long inner, int log) {
    const long rows = outer * inner;
    if (inner == 1) {
        #pragma omp for schedule(static)
        for (long o = 0; o < rows; o++) softmax_row(x + o * r, y + o * r, r, 1, log);
    } else {
        #pragma omp for schedule(static)
        for (long t = 0; t < rows; t++) {
            const long off = (t / inner) * r * inner + t % inner;
            softmax_row(x + off, y + off, r, inner, log);
        }
    }
}

void ck_softmax(const float *x, float *y, long outer, long r, long inner, int log) {
    #pragma omp parallel if (outer * inner * r >= CK_PARALLEL_MIN)
    softmax_team(x, y, outer, r, inner, log);
}

CK_VECTORISED static void softmax_backward_team(const float *y, const float *g, float *gx, long outer, long r,
                                                long inner, int log) {
    const long rows = outer * inner;
    if (inner == 1) {
        #pragma omp for schedule(static)
        for (long o = 0; o < rows; o++) softmax_row_backward(y + o * r, g + o * r, gx + o * r, r, 1, log);
    } else {
        #pragma omp for schedule(static)
        for (long t = 0; t < rows; t++) {
            const long off = (t / inner) * r * inner + t % inner;
            softmax_row_backward(y + off, g + off, gx + off, r, inner, log);
        }
    }
}

void ck_softmax_backward(const float *y, const float *g, float *gx, long outer, long r, long inner, int log) {
    #pragma omp parallel if (outer * inner * r >= CK_PARALLEL_MIN)
    softmax_backward_team(y, g, gx, outer, r, inner, log);
}
