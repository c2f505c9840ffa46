// Winograd F(2x2, 3x3) transforms for stride-1, padding-1 3x3 convolutions (see ck_conv.h).
//
// "Fast Algorithms for Convolutional Neural Networks" (Lavin & Gray, CVPR 2016): every 2x2 block of
// outputs is Y = A^T [(G g G^T) . (B^T d B)] A over the 4x4 input tile d that feeds it, so the sum
// over input channels becomes 16 independent matrix products (one per tile position xi) with 16
// multiply-adds per 2x2 outputs instead of 36. The backward kernels are the exact adjoints of the
// forward ones, so gradients are those of the computed forward.
//
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]   G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
//   A^T = [1 1 1 0; 0 1 -1 -1]
//
// Tile (ty, tx) writes output rows 2ty, 2ty+1 and columns 2tx, 2tx+1 (those outside the image are
// dropped) and reads input rows 2ty-1 .. 2ty+2, columns 2tx-1 .. 2tx+2 (zero outside).
//
// Upsampled variant: the 3x3 convolution of the nearest-x2 upsampled x. The 4x4 tile of the upsampled
// image that block (ty, tx) reads is P e P^T for the 3x3 patch e of x at rows ty-1 .. ty+1 (columns
// likewise), P = [1 0 0; 0 1 0; 0 1 0; 0 0 1]. B^T P has a zero third row, so position row 2 and column
// 2 vanish and the other 9 positions remain: V = Q e Q^T with Q = [1 -1 0; 0 2 0; 0 1 -1], the filters
// take rows 0, 1, 3 of G and the outputs columns 0, 1, 3 of A^T: 9 multiply-adds per 2x2 outputs.
//
// Both passes run all their steps on one band of tile rows at a time, so that the tile matrices stay in
// cache instead of going out to memory between the steps (README, "Spatial tensor ops", says what it saved).
#include <stdlib.h>
#include <string.h>
#include "ck_conv.h"
#include "blas_serial.h"
#include "parallel.h"

#define INLINE static inline __attribute__((always_inline))

// The 1D transforms; each 2D transform applies one to the rows and then to the columns.
INLINE void input_1d(const float *d, float *r) {  // r = B^T d
    r[0] = d[0] - d[2];
    r[1] = d[1] + d[2];
    r[2] = d[2] - d[1];
    r[3] = d[1] - d[3];
}

INLINE void input_1d_adjoint(const float *r, float *d) {  // d = B r
    d[0] = r[0];
    d[1] = r[1] - r[2] + r[3];
    d[2] = r[1] + r[2] - r[0];
    d[3] = -r[3];
}

INLINE void up_input_1d(const float *e, float *r) {  // r = Q e
    r[0] = e[0] - e[1];
    r[1] = 2.0f * e[1];
    r[2] = e[1] - e[2];
}

INLINE void up_input_1d_adjoint(const float *r, float *e) {  // e = Q^T r
    e[0] = r[0];
    e[1] = 2.0f * r[1] + r[2] - r[0];
    e[2] = -r[2];
}

INLINE void output_1d(const float *m, float *y) {  // y = A^T m
    y[0] = m[0] + m[1] + m[2];
    y[1] = m[1] - m[2] - m[3];
}

INLINE void output_1d_adjoint(const float *y, float *m) {  // m = A y
    m[0] = y[0];
    m[1] = y[0] + y[1];
    m[2] = y[0] - y[1];
    m[3] = -y[1];
}

INLINE void up_output_1d(const float *m, float *y) {  // A^T without its third column
    y[0] = m[0] + m[1];
    y[1] = m[1] - m[2];
}

INLINE void up_output_1d_adjoint(const float *y, float *m) {
    m[0] = y[0];
    m[1] = y[0] + y[1];
    m[2] = -y[1];
}

INLINE void filter_1d(const float *g, float *u) {  // u = G g
    u[0] = g[0];
    u[1] = 0.5f * (g[0] + g[1] + g[2]);
    u[2] = 0.5f * (g[0] - g[1] + g[2]);
    u[3] = g[2];
}

INLINE void filter_1d_adjoint(const float *u, float *g) {  // g = G^T u
    g[0] = u[0] + 0.5f * (u[1] + u[2]);
    g[1] = 0.5f * (u[1] - u[2]);
    g[2] = u[3] + 0.5f * (u[1] + u[2]);
}

INLINE void up_filter_1d(const float *g, float *u) {  // rows 0, 1, 3 of G
    u[0] = g[0];
    u[1] = 0.5f * (g[0] + g[1] + g[2]);
    u[2] = g[2];
}

INLINE void up_filter_1d_adjoint(const float *u, float *g) {
    g[0] = u[0] + 0.5f * u[1];
    g[1] = 0.5f * u[1];
    g[2] = u[2] + 0.5f * u[1];
}

typedef void (*transform_1d)(const float *, float *);

// out [q, q] = f applied to the rows of in [p, p], then to the columns of the result.
INLINE void transform_2d(transform_1d f, int p, int q, const float *in, float *out) {
    float rows[4][4];
    for (int i = 0; i < p; i++) f(in + i * p, rows[i]);
    for (int j = 0; j < q; j++) {
        float column[4], result[4];
        for (int i = 0; i < p; i++) column[i] = rows[i][j];
        f(column, result);
        for (int i = 0; i < q; i++) out[i * q + j] = result[i];
    }
}

// The hot loops run over a row of TW tiles at once, on "lanes": lane[e][tx] is entry e of tile tx's
// small matrix, so every transform is the same arithmetic on contiguous vectors. One function per
// transform and size, so that the compiler sees the arithmetic (through a pointer it would not).
// Entry e of tile tx is in[e*in_stride + tx] and out[e*out_stride + tx].
typedef void (*lane_transform)(const float *in, long in_stride, float *out, long out_stride, long TW);

#define LANES(name, f, p, q)                                                                   \
    CK_VECTORISED                                                                                  \
    static void name(const float *restrict in, long in_stride, float *restrict out, long out_stride, \
                     long TW) {                                                                    \
        for (long tx = 0; tx < TW; tx++) {                                                         \
            float a[(p) * (p)], b[(q) * (q)];                                                      \
            for (int e = 0; e < (p) * (p); e++) a[e] = in[e * in_stride + tx];                     \
            transform_2d(f, p, q, a, b);                                                           \
            for (int e = 0; e < (q) * (q); e++) out[e * out_stride + tx] = b[e];                   \
        }                                                                                          \
    }
LANES(filter_lanes, filter_1d, 3, 4)
LANES(filter_adjoint_lanes, filter_1d_adjoint, 4, 3)
LANES(up_filter_lanes, up_filter_1d, 3, 3)
LANES(up_filter_adjoint_lanes, up_filter_1d_adjoint, 3, 3)

// The input transforms read tile tx's rows straight from A zero-padded image rows (rows[i*row_stride
// + q] is column q - 1 of row i), and their adjoints add back into such rows.
typedef void (*tile_reader)(const float *rows, long row_stride, float *out, long out_stride, long TW);
typedef void (*tile_writer)(const float *in, long in_stride, float *rows, long row_stride, long TW);

#define READ_TILES(name, f, A, R, STEP)                                                            \
    CK_VECTORISED                                                                                  \
    static void name(const float *restrict rows, long row_stride, float *restrict out, long out_stride, \
                     long TW) {                                                                    \
        for (long tx = 0; tx < TW; tx++) {                                                         \
            float a[(A) * (A)], b[(R) * (R)];                                                      \
            for (int i = 0; i < (A); i++)                                                          \
                for (int j = 0; j < (A); j++) a[i * (A) + j] = rows[i * row_stride + (STEP) * tx + j]; \
            transform_2d(f, A, R, a, b);                                                           \
            for (int e = 0; e < (R) * (R); e++) out[e * out_stride + tx] = b[e];                   \
        }                                                                                          \
    }

// Overlapping tiles add into the same columns, so each tile column j is one pass over the tiles.
#define ADD_TILES(name, f, A, R, STEP)                                                             \
    CK_VECTORISED                                                                                  \
    static void name(const float *restrict in, long in_stride, float *restrict rows, long row_stride, \
                     long TW) {                                                                    \
        float d[(A) * (A)][TW];                                                                    \
        for (long tx = 0; tx < TW; tx++) {                                                         \
            float a[(R) * (R)], b[(A) * (A)];                                                      \
            for (int e = 0; e < (R) * (R); e++) a[e] = in[e * in_stride + tx];                     \
            transform_2d(f, R, A, a, b);                                                           \
            for (int e = 0; e < (A) * (A); e++) d[e][tx] = b[e];                                   \
        }                                                                                          \
        for (int i = 0; i < (A); i++)                                                              \
            for (int j = 0; j < (A); j++)                                                          \
                for (long tx = 0; tx < TW; tx++) rows[i * row_stride + (STEP) * tx + j] += d[i * (A) + j][tx]; \
    }
// The output transforms write each tile's 2x2 block straight into two image rows (bias added), and
// their adjoints read the blocks from two rows of dy: the READ_TILES pattern with A = 2, STEP = 2.
typedef void (*block_writer)(const float *in, long in_stride, float *rows, long row_stride, long TW, float bias);

#define WRITE_BLOCKS(name, f, R)                                                                   \
    CK_VECTORISED                                                                                  \
    static void name(const float *restrict in, long in_stride, float *restrict rows, long row_stride, \
                     long TW, float bias) {                                                        \
        for (long tx = 0; tx < TW; tx++) {                                                         \
            float a[(R) * (R)], b[4];                                                              \
            for (int e = 0; e < (R) * (R); e++) a[e] = in[e * in_stride + tx];                     \
            transform_2d(f, R, 2, a, b);                                                           \
            for (int i = 0; i < 2; i++)                                                            \
                for (int j = 0; j < 2; j++) rows[i * row_stride + 2 * tx + j] = b[2 * i + j] + bias; \
        }                                                                                          \
    }
WRITE_BLOCKS(write_blocks, output_1d, 4)
WRITE_BLOCKS(up_write_blocks, up_output_1d, 3)
READ_TILES(read_blocks, output_1d_adjoint, 2, 4, 2)
READ_TILES(up_read_blocks, up_output_1d_adjoint, 2, 3, 2)
READ_TILES(read_tiles, input_1d, 4, 4, 2)
ADD_TILES(add_tiles, input_1d_adjoint, 4, 4, 2)
READ_TILES(up_read_tiles, up_input_1d, 3, 3, 1)
ADD_TILES(up_add_tiles, up_input_1d_adjoint, 3, 3, 1)

// One scheme's sizes: R positions per side (R*R in all), input tiles of A pixels per side, STEP
// input pixels from one tile to the next.
typedef struct {
    int r, a, step;
    tile_reader input;
    tile_writer input_adjoint;
    block_writer output;
    tile_reader output_adjoint;
    lane_transform filter, filter_adjoint;
} scheme;

static const scheme plain = {4, 4, 2, read_tiles, add_tiles, write_blocks, read_blocks,
                             filter_lanes, filter_adjoint_lanes};
static const scheme upsampled = {3, 3, 1, up_read_tiles, up_add_tiles, up_write_blocks, up_read_blocks,
                                 up_filter_lanes, up_filter_adjoint_lanes};

// The filter transform and its adjoint share one loop over the filters, vectorised over the input
// channels: the taps of filter k, tap-major in a buffer of 9 C floats per thread, are the lanes of the
// transform. Forward: gather w's taps, transform them into u. Adjoint: transform du back into taps,
// scatter them into dw. Returns -1 when memory runs out.
static int filter_transform(scheme s, int adjoint, const float *in, float *out, long K, long C) {
    const int threads = omp_get_max_threads();
    float *buffers = malloc(sizeof(float) * 9 * C * threads);
    if (!buffers) return -1;
#pragma omp parallel num_threads(threads)
    {
        float *taps = buffers + 9 * C * omp_get_thread_num();
#pragma omp for schedule(static)
        for (long k = 0; k < K; k++) {
            if (!adjoint) {
                for (long c = 0; c < C; c++)
                    for (int e = 0; e < 9; e++) taps[e * C + c] = in[(k * C + c) * 9 + e];
                s.filter(taps, C, out + k * C, K * C, C);
            } else {
                s.filter_adjoint(in + k * C, K * C, taps, C, C);
                for (long c = 0; c < C; c++)
                    for (int e = 0; e < 9; e++) out[(k * C + c) * 9 + e] = taps[e * C + c];
            }
        }
    }
    free(buffers);
    return 0;
}

// Tiles per side for an output side of length `out`.
static long tiles(long out) { return (out + 1) / 2; }

// padded[r*width + q] <- pixel (p0 + r - 1, q - 1) of the plane, zero on the border and beyond the image:
// rows p0 .. p0 + height - 1 of the plane with a one-pixel zero border.
static void pad_band(const float *plane, long H, long W, long p0, long height, long width, float *padded) {
    for (long r = 0; r < height; r++) {
        float *dst = padded + r * width;
        const long row = p0 + r - 1;
        long q = 0;
        if (row >= 0 && row < H) {
            dst[q++] = 0.0f;
            memcpy(dst + 1, plane + row * W, W * sizeof(float));
            q += W;
        }
        for (; q < width; q++) dst[q] = 0.0f;
    }
}

// Tile rows whose 2x2 blocks all lie inside the image go straight to (or from) the image rows; the
// last ones of an odd-sized output go through a zero-padded pair of rows.
static int whole_blocks(long ty, long TW, long HO, long WO) { return 2 * ty + 1 < HO && 2 * TW == WO; }

// The adjoint of write_tile_row: the transformed gradients (entry e of tile tx to out[e*out_stride + tx])
// of tile row ty of a gradient plane; cut holds 4*TW floats for the rows that cross the border.
static void read_tile_row(scheme s, const float *plane, long ty, long TW, long HO, long WO, float *out, long out_stride,
                          float *cut) {
    if (whole_blocks(ty, TW, HO, WO)) {
        s.output_adjoint(plane + 2 * ty * WO, WO, out, out_stride, TW);
        return;
    }
    for (long i = 0; i < 2; i++)
        for (long q = 0; q < 2 * TW; q++) cut[i * 2 * TW + q] = 2 * ty + i < HO && q < WO ? plane[(2 * ty + i) * WO + q] : 0.0f;
    s.output_adjoint(cut, 2 * TW, out, out_stride, TW);
}

// One tile row ty of an output plane from its transformed blocks (entry e of tile tx at
// in[e*in_stride + tx]), bias added; cut holds 4*TW floats for the rows that cross the border.
static void write_tile_row(scheme s, const float *in, long in_stride, float *plane, long ty, long TW, long HO,
                           long WO, float bias, float *cut) {
    if (whole_blocks(ty, TW, HO, WO)) {
        s.output(in, in_stride, plane + 2 * ty * WO, WO, TW, bias);
        return;
    }
    s.output(in, in_stride, cut, 2 * TW, TW, bias);
    for (long i = 0; i < 2 && 2 * ty + i < HO; i++) memcpy(plane + (2 * ty + i) * WO, cut + i * 2 * TW, WO * sizeof(float));
}

// Floats of one band's tile and product matrices: they and the band's bordered rows stay in a
// core's L2 (2 MB here) beside OpenBLAS's packed panels.
static const long band_floats = 1L << 18;

// Row stride of a band's tile matrices: never a multiple of 16 floats, so that rows a power of two
// apart do not collide in the cache when OpenBLAS packs them.
static long band_ld(long tiles) { return (tiles + 15) / 16 * 16 + 8; }

// The transformed input tiles of `count` tile rows from ty0 of one image (x holds its C planes) into
// v (entry e of channel c's tile t at v[(e*C + c)*ld + t]), each plane's band bordered in `padded` first.
static void transform_band(scheme s, const float *x, long C, long H, long W, long ty0, long count, long TW,
                           long width, float *padded, float *v, long ld) {
    for (long c = 0; c < C; c++) {
        pad_band(x + c * H * W, H, W, s.step * ty0, s.step * count + s.a, width, padded);
        for (long t = 0; t < count; t++) s.input(padded + s.step * t * width, width, v + c * ld + t * TW, C * ld, TW);
    }
}

// The whole forward pass band by band: a job is `rows` tile rows of one image, whose input tiles,
// R*R products (on the calling thread) and output blocks pass through the thread's own buffers, so the
// transformed tiles never go out to memory. Jobs run side by side on the team.
static int fused_forward(scheme s, const float *x, const float *u, const float *bias, float *y, long N, long C,
                         long K, long H, long W, long HO, long WO, long rows) {
    const long TH = tiles(HO), TW = tiles(WO), positions = (long)s.r * s.r;
    const long bands = (TH + rows - 1) / rows, ld = band_ld(rows * TW);
    const long width = s.step * TW + s.a, height = s.step * rows + s.a;
    const long per_thread = height * width + positions * (C + K) * ld + 4 * TW;
    const int threads = omp_get_max_threads();
    float *buffers = malloc(sizeof(float) * per_thread * threads);
    if (!buffers) return -1;
#pragma omp parallel num_threads(threads)
    {
        float *padded = buffers + per_thread * omp_get_thread_num();
        float *v = padded + height * width, *m = v + positions * C * ld, *cut = m + positions * K * ld;
#pragma omp for schedule(static)
        for (long job = 0; job < N * bands; job++) {
            const long n = job / bands, ty0 = job % bands * rows, count = TH - ty0 < rows ? TH - ty0 : rows;
            transform_band(s, x + n * C * H * W, C, H, W, ty0, count, TW, width, padded, v, ld);
            for (long e = 0; e < positions; e++)
                ck_sgemm_serial((int)K, (int)(count * TW), (int)C, 1.0f, u + e * K * C, 0, (int)C, v + e * C * ld, 0,
                                (int)ld, 0.0f, m + e * K * ld, (int)ld);
            for (long k = 0; k < K; k++)
                for (long t = 0; t < count; t++)
                    write_tile_row(s, m + k * ld + t * TW, K * ld, y + (n * K + k) * HO * WO, ty0 + t, TW, HO, WO,
                                   bias ? bias[k] : 0.0f, cut);
        }
    }
    free(buffers);
    return 0;
}

// Images go to a fixed number of slots (image n to slot n % slots); a slot's images run in order on one
// thread and sum their filter gradient in the slot's own buffer, and the slots are added in order: the
// same floats whatever the size of the team.
static const long gradient_slots = 8;

// Both gradients band by band, as fused_forward runs. All bands of an image run on one thread, so that
// the input gradients of neighbouring bands, which overlap by two rows, add up in its own bordered
// planes. dx or du may be NULL.
static int fused_backward(scheme s, const float *x, const float *u, const float *dy, float *dx, float *du, long N,
                          long C, long K, long H, long W, long HO, long WO, long rows) {
    const long TH = tiles(HO), TW = tiles(WO), positions = (long)s.r * s.r, ld = band_ld(rows * TW);
    const long width = s.step * TW + s.a, band_height = s.step * rows + s.a, plane_height = s.step * TH + s.a;
    const long planes = dx ? C * plane_height * width : 0, filter = positions * K * C;
    const long slots = N < gradient_slots ? N : gradient_slots;
    const long per_thread = planes + band_height * width + positions * (C + K) * ld + 4 * TW;
    const int threads = omp_get_max_threads();
    float *buffers = malloc(sizeof(float) * (per_thread * threads + (du ? slots * filter : 0)));
    if (!buffers) return -1;
    float *sums = buffers + per_thread * threads;
#pragma omp parallel num_threads(threads)
    {
        float *plane = buffers + per_thread * omp_get_thread_num(), *padded = plane + planes;
        float *v = padded + band_height * width, *dm = v + positions * C * ld, *cut = dm + positions * K * ld;
#pragma omp for schedule(static)
        for (long slot = 0; slot < slots; slot++) {
            float *sum = sums + slot * filter;
            if (du) memset(sum, 0, filter * sizeof(float));
            for (long n = slot; n < N; n += slots) {
                memset(plane, 0, planes * sizeof(float));
                for (long ty0 = 0; ty0 < TH; ty0 += rows) {
                    const long count = TH - ty0 < rows ? TH - ty0 : rows;
                    for (long k = 0; k < K; k++)
                        for (long t = 0; t < count; t++)
                            read_tile_row(s, dy + (n * K + k) * HO * WO, ty0 + t, TW, HO, WO, dm + k * ld + t * TW, K * ld, cut);
                    if (du) {
                        transform_band(s, x + n * C * H * W, C, H, W, ty0, count, TW, width, padded, v, ld);
                        for (long e = 0; e < positions; e++)  // du[e] += dm[e] v[e]^T
                            ck_sgemm_serial((int)K, (int)C, (int)(count * TW), 1.0f, dm + e * K * ld, 0, (int)ld,
                                            v + e * C * ld, 1, (int)ld, 1.0f, sum + e * K * C, (int)C);
                    }
                    if (dx) {
                        for (long e = 0; e < positions; e++)  // dv[e] = u[e]^T dm[e], in v's place
                            ck_sgemm_serial((int)C, (int)(count * TW), (int)K, 1.0f, u + e * K * C, 1, (int)C,
                                            dm + e * K * ld, 0, (int)ld, 0.0f, v + e * C * ld, (int)ld);
                        for (long c = 0; c < C; c++)
                            for (long t = 0; t < count; t++)
                                s.input_adjoint(v + c * ld + t * TW, C * ld,
                                                plane + c * plane_height * width + s.step * (ty0 + t) * width, width, TW);
                    }
                }
                for (long c = 0; c < C && dx; c++)
                    for (long r = 0; r < H; r++)
                        memcpy(dx + ((n * C + c) * H + r) * W, plane + c * plane_height * width + (r + 1) * width + 1,
                               W * sizeof(float));
            }
        }
        if (du) {
#pragma omp for schedule(static)
            for (long i = 0; i < filter; i++) {
                float total = 0.0f;
                for (long slot = 0; slot < slots; slot++) total += sums[slot * filter + i];
                du[i] = total;
            }
        }
    }
    free(buffers);
    return 0;
}

// Tile rows per band: `requested` (when positive) up to as many as the band's matrices hold in
// band_floats, at least one and at most all.
static long band_rows(scheme s, long C, long K, long HO, long WO, long requested) {
    const long fit = band_floats / ((long)s.r * s.r * (C + K) * tiles(WO));
    const long most = fit < 1 ? 1 : fit > tiles(HO) ? tiles(HO) : fit;
    return requested > 0 && requested < most ? requested : most;
}

// The entry points: H, W are x's size; the output is H x W, or 2H x 2W when upsampled.
int ck_winograd_filter_forward(const float *w, float *u, long K, long C, int up) {
    return filter_transform(up ? upsampled : plain, 0, w, u, K, C);
}

int ck_winograd_forward(const float *x, const float *u, const float *bias, float *y, long N, long C, long K, long H,
                        long W, int up, long rows) {
    const scheme s = up ? upsampled : plain;
    const long HO = up ? 2 * H : H, WO = up ? 2 * W : W;
    return fused_forward(s, x, u, bias, y, N, C, K, H, W, HO, WO, band_rows(s, C, K, HO, WO, rows));
}

int ck_winograd_backward(const float *x, const float *u, const float *dy, float *dx, float *du, long N, long C, long K,
                         long H, long W, int up, long rows) {
    const scheme s = up ? upsampled : plain;
    const long HO = up ? 2 * H : H, WO = up ? 2 * W : W;
    return fused_backward(s, x, u, dy, dx, du, N, C, K, H, W, HO, WO, band_rows(s, C, K, HO, WO, rows));
}

int ck_winograd_filter_backward(const float *du, float *dw, long K, long C, int up) {
    return filter_transform(up ? upsampled : plain, 1, du, dw, K, C);
}
