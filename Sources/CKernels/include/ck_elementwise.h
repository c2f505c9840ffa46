// Elementwise, reduction and softmax kernels behind MedadTensor's ops.
// Every kernel is deterministic: results do not depend on the thread count.
#pragma once

// Largest loop-nest rank after the caller merges contiguous axes.
#define CK_MAX_RANK 8

// Binary ops of ck_strided_binary. CK_COPY ignores b.
#define CK_COPY 0
#define CK_ADD 1
#define CK_SUB 2
#define CK_MUL 3
#define CK_DIV 4

// out[idx] = a[idx] op b[idx] over the index space dims[0..rank), where each operand addresses element
// idx through its own strides (0 for a broadcast axis, negative for a flipped one). Covers broadcasting,
// permutation, slicing, flipping, padding and concatenation with one loop engine.
void ck_strided_binary(int op, int rank, const long *dims,
                       const float *a, const long *a_strides,
                       const float *b, const long *b_strides,
                       float *out, const long *out_strides);

// Unary ops of ck_unary. p0/p1 are the op's parameters (pow: p0 exponent; clamp: p0 low, p1 high).
#define CK_EXP 0
#define CK_LOG 1
#define CK_SQRT 2
#define CK_ABS 3
#define CK_POW 4
#define CK_CLAMP 5
#define CK_SQUARE 6
#define CK_RELU 7
#define CK_GELU 8
#define CK_SILU 9
#define CK_SIGMOID 10
#define CK_SOFTPLUS 11
#define CK_TANH 12

// y = f(x) over n contiguous values.
void ck_unary(int op, const float *x, float *y, long n, float p0, float p1);
// gx = g * f'(x), given the forward input x and output y.
void ck_unary_backward(int op, const float *x, const float *y, const float *g, float *gx, long n, float p0, float p1);

// out[o, i] = scale * sum_r x[o, r, i], accumulated in double in a fixed order. Returns 0, or -1 when
// memory for the partial sums of few long reductions runs out (out is not written then).
int ck_sum_middle(const float *x, float *out, long outer, long r, long inner, float scale);

// Row maxima of x[rows, r] and the index of the first maximum of each row (NaN wins, as in PyTorch).
void ck_max_rows(const float *x, float *out, long *argmax, long rows, long r);

// Softmax (or log-softmax when log != 0) of x[o, :, i] along the middle axis of length r.
void ck_softmax(const float *x, float *y, long outer, long r, long inner, int log);
// Gradient of ck_softmax given its output y and the output gradient g.
void ck_softmax_backward(const float *y, const float *g, float *gx, long outer, long r, long inner, int log);
