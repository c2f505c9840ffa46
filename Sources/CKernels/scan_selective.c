// Selective scan (S6) forward and backward with chunked state recomputation.
// A. Gu and T. Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
// arXiv:2312.00752 (2023); semantics of mamba_ssm's selective_scan_ref. Shapes: see ck_scan.h.
//
// Vectorisation runs over W = 8 neighbouring channels, not over the state: the inputs are
// token-major, so a channel block is one contiguous 32-byte load per position, Bm/Cm are scalars
// broadcast to all lanes, and the sum over states (y, the gradients of u and delta) needs no
// horizontal reduction. Only dBm/dCm sum over channels; they are accumulated lane-wise per chunk
// and folded once per chunk and 64-channel group.
#include "ck_scan.h"
#include "parallel.h"

#include <stdint.h>
#include <string.h>

#define W 8                  // channels per vector block (one AVX2 register)
#define K CK_SCAN_CHUNK      // positions per chunk
#define GB 8                 // channel blocks per backward work item
#define NT 32                // states per forward tile (bounds the forward's stack use for any N)
// The lane helpers below are inlined into the work items (forward_block, backward_item), the functions
// compiled for each instruction set: called, they would run the baseline's code. So no call passes lane
// vectors by value (whose calling convention depends on AVX), and clang's notes on such calls in the
// baseline's helpers are silenced. The work items themselves call no helper with vector arguments:
// clang rejects that from a function compiled with AVX to one without.
#define INLINE static inline __attribute__((always_inline))
#pragma clang diagnostic ignored "-Wpsabi"

// ---- lane vectors and vectorisable float math ----

// Generic vectors (clang/GCC extension): explicit lanes instead of hoping the auto-vectoriser
// proves the state loops alias-free. v8f lives in registers and on the stack; v8m reads and writes
// caller memory of unknown alignment.
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef uint32_t v8u __attribute__((vector_size(32)));
typedef float v8m __attribute__((vector_size(32), aligned(4), may_alias));

INLINE v8f vload(const float *p) { return *(const v8m *)p; }
INLINE void vstore(float *p, v8f x) { *(v8m *)p = x; }
INLINE v8f vsplat(float x) { return (v8f){x, x, x, x, x, x, x, x}; }
INLINE v8f vselect(v8i mask, v8f yes, v8f no) { return (v8f)((mask & (v8i)yes) | (~mask & (v8i)no)); }
// NaN in a propagates (a clamped NaN would turn a diverged run into plausible numbers).
INLINE v8f vmin(v8f a, v8f b) { return vselect(a > b, b, a); }
INLINE v8f vmax(v8f a, v8f b) { return vselect(a < b, b, a); }

// Cephes expf (libm's expf is an opaque call that blocks vectorisation): x = k ln2 + r with a
// two-constant Cody-Waite split, Cephes' degree-7 polynomial for e^r in Horner form, 2^k assembled in
// the exponent bits; about 1 ulp over the clamped range. Rounding adds 1.5 * 2^23, which leaves k
// in the low mantissa bits of t: shifting t's bits by 23 keeps exactly k + 127 mod 2^9. The lanes are
// unsigned there: a signed shift that pushes bits out of the lane (or shifts a negative) is undefined.
INLINE v8f vexp(v8f x) {
    x = vmin(x, vsplat(88.02969f));     // keeps k <= 127
    x = vmax(x, vsplat(-87.33654f));    // keeps k >= -126
    const v8f magic = vsplat(12582912.0f);
    const v8f t = x * 1.44269504088896341f + magic;
    const v8f k = t - magic;
    v8f r = x - k * 0.693359375f;
    r = r + k * 2.12194440e-4f;
    v8f p = vsplat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    return p * (v8f)(((v8u)t + 127u) << 23);
}

// log(1 + e) for e in [0, 1] as 2 atanh(s), s = e / (2 + e) <= 1/3: the odd series in s converges
// fast (s^2 <= 1/9) and stays relatively accurate for tiny e, where log1p matters.
INLINE v8f vlog1p_unit(v8f e) {
    v8f s = e / (2.0f + e), s2 = s * s;
    v8f p = vsplat(1.0f / 13.0f);
    p = p * s2 + 1.0f / 11.0f;
    p = p * s2 + 1.0f / 9.0f;
    p = p * s2 + 1.0f / 7.0f;
    p = p * s2 + 1.0f / 5.0f;
    p = p * s2 + 1.0f / 3.0f;
    p = p * s2 + 1.0f;
    return 2.0f * s * p;
}

INLINE v8f vsigmoid(v8f x) { return 1.0f / (1.0f + vexp(-x)); }

// PyTorch's softplus (threshold 20) as max(x,0) + log1p(exp(-|x|)), which cannot overflow, and
// its derivative sigmoid(x) from the same exp (1 above the threshold, like PyTorch's backward).
INLINE v8f vsoftplus(v8f x, v8f *derivative) {
    const v8f e = vexp(-vmax(x, -x)), above = vsplat(1.0f) / (1.0f + e);
    const v8i past = x > 20.0f;
    *derivative = vselect(past, vsplat(1.0f), vselect(x >= 0.0f, above, e * above));
    return vselect(past, x, vmax(x, vsplat(0.0f)) + vlog1p_unit(e));
}

// ---- geometry shared by the forward, the backward and the size queries ----

typedef struct {
    int ncb;        // channel blocks of W
    int ngroups;    // backward work groups of GB blocks
    int nchunks;    // chunks of K positions
    size_t item_floats; // backward per-item workspace (scan_item_workspace)
} scan_geometry;

static scan_geometry scan_geometry_of(int L, int Dch, int N) {
    scan_geometry g;
    g.ncb = (Dch + W - 1) / W;
    g.ngroups = (g.ncb + GB - 1) / GB;
    g.nchunks = (L + K - 1) / K;
    g.item_floats = (size_t)(4 * K + 3 + GB) * (size_t)N * W;
    return g;
}

size_t ck_selective_scan_checkpoint_floats(int B, int L, int Dch, int N) {
    scan_geometry g = scan_geometry_of(L, Dch, N);
    return g.nchunks > 1 ? (size_t)B * g.ncb * (size_t)(g.nchunks - 1) * (size_t)N * W : 0;
}

size_t ck_selective_scan_scratch_floats(int B, int L, int Dch, int N) {
    scan_geometry g = scan_geometry_of(L, Dch, N);
    size_t items = (size_t)B * g.ngroups;
    return items * g.item_floats                     // per-item workspaces
         + items * 2 * (size_t)L * N                 // dBm, dCm partials per group
         + (size_t)B * g.ncb * W * ((size_t)N + 2);  // dA, dD, ddelta_bias partials per batch
}

// ---- per-chunk lane buffers ----

// Inputs of one channel block over one chunk; lanes beyond Dch and positions beyond L are exactly
// zero, so they contribute nothing to any state or gradient.
typedef struct {
    v8f u[K], dt[K], dtu[K];
    v8f dsp[K];     // d dt / d delta
    v8f z[K];
    v8f y[K];       // y before gating (with D u)
} scan_lanes;

// Loads src[row0 + k, d0 + w] for k < len, w < nv; zero elsewhere. Full blocks (nv == W) are
// single vector loads; only the last block of a Dch that is not a multiple of W goes lane by lane.
INLINE void gather_lanes(v8f dst[K], const float *src, size_t row0, int len, int Dch, int d0, int nv) {
    for (int k = 0; k < K; k++) {
        const float *row = src + (row0 + (size_t)k) * Dch + d0;
        if (k >= len) {
            dst[k] = vsplat(0.0f);
        } else if (nv == W) {
            dst[k] = vload(row);
        } else {
            for (int w = 0; w < W; w++) dst[k][w] = w < nv ? row[w] : 0.0f;
        }
    }
}

INLINE void scatter_lanes(float *dst, const v8f src[K], size_t row0, int len, int Dch, int d0, int nv) {
    for (int k = 0; k < len; k++) {
        float *row = dst + (row0 + (size_t)k) * Dch + d0;
        if (nv == W) {
            vstore(row, src[k]);
        } else {
            for (int w = 0; w < nv; w++) row[w] = src[k][w];
        }
    }
}

// Per-channel vector p[d0 + w] (NULL: zeros).
INLINE v8f channel_lanes(const float *p, int d0, int nv) {
    v8f v = vsplat(0.0f);
    for (int w = 0; p && w < nv; w++) v[w] = p[d0 + w];
    return v;
}

// Fills u, dt, dtu, dsp, z and y = D u for one block and chunk.
INLINE void load_chunk(const ck_scan_inputs *in, scan_lanes *c, size_t row0, int len, int d0, int nv) {
    const int Dch = in->Dch;
    const v8f bias = channel_lanes(in->delta_bias, d0, nv), Dv = channel_lanes(in->D, d0, nv);
    v8f real_channels = vsplat(0.0f);
    for (int w = 0; w < nv; w++) real_channels[w] = 1.0f;
    gather_lanes(c->u, in->u, row0, len, Dch, d0, nv);
    gather_lanes(c->dt, in->delta, row0, len, Dch, d0, nv);
    if (in->z) gather_lanes(c->z, in->z, row0, len, Dch, d0, nv);
    for (int k = 0; k < K; k++) {
        const v8f live = k < len ? real_channels : vsplat(0.0f);   // 1 on real (position, channel) lanes
        v8f x = c->dt[k] + bias;
        if (in->delta_softplus) {
            v8f dsp;
            c->dt[k] = vsoftplus(x, &dsp) * live;
            c->dsp[k] = dsp * live;
        } else {
            c->dt[k] = x * live;
            c->dsp[k] = live;
        }
        c->dtu[k] = c->dt[k] * c->u[k];
        c->y[k] = Dv * c->u[k];
    }
}

// y *= silu(z) at every position of the chunk.
INLINE void gate_chunk(scan_lanes *c) {
    for (int k = 0; k < K; k++) c->y[k] *= c->z[k] * vsigmoid(c->z[k]);
}

// A[d0+w, n0+n] transposed to lanes: AT[n][w].
INLINE void load_A(const ck_scan_inputs *in, float *AT, int n0, int nt, int d0, int nv) {
    for (int n = 0; n < nt; n++)
        for (int w = 0; w < W; w++) AT[n * W + w] = w < nv ? in->A[(size_t)(d0 + w) * in->N + n0 + n] : 0.0f;
}

// Advances states n0..n0+nt of one block over len positions: h (nt lane vectors, in/out),
// y[k] += sum_n Cm[t0+k, n] h_k[n]. With hist/ahist (backward: n0 = 0, nt = N) it also keeps
// h_k and exp(dt_k A) as [len][N] lane vectors.
INLINE void recur(const ck_scan_inputs *in, size_t row0, int len, int n0, int nt, const float *AT, scan_lanes *c,
                  float *h, float *hist, float *ahist) {
    const int N = in->N;
    for (int k = 0; k < len; k++) {
        const float *Bk = in->Bm + (row0 + (size_t)k) * N + n0;
        const float *Ck = in->Cm + (row0 + (size_t)k) * N + n0;
        const v8f dt = c->dt[k], dtu = c->dtu[k];
        v8f y = c->y[k];
        for (int n = 0; n < nt; n++) {
            v8f a = vexp(dt * vload(AT + n * W));
            v8f hv = a * vload(h + n * W) + dtu * Bk[n];
            vstore(h + n * W, hv);
            y += Ck[n] * hv;
            if (hist) {
                vstore(hist + ((size_t)k * N + n) * W, hv);
                vstore(ahist + ((size_t)k * N + n) * W, a);
            }
        }
        c->y[k] = y;
    }
}

// ---- forward ----

CK_VECTORISED static void forward_block(const ck_scan_inputs *in, const scan_geometry *g, int b, int cb,
                                        float *out, float *checkpoints) {
    const int L = in->L, Dch = in->Dch, N = in->N;
    const int d0 = cb * W, nv = Dch - d0 < W ? Dch - d0 : W;
    float AT[NT * W], h[NT * W];
    scan_lanes c;
    for (int n0 = 0; n0 < N; n0 += NT) {
        const int nt = N - n0 < NT ? N - n0 : NT;
        const int first = n0 == 0, last = n0 + nt == N;
        load_A(in, AT, n0, nt, d0, nv);
        memset(h, 0, sizeof h);
        for (int ch = 0; ch < g->nchunks; ch++) {
            const int t0 = ch * K, len = L - t0 < K ? L - t0 : K;
            const size_t row0 = (size_t)b * L + t0;
            load_chunk(in, &c, row0, len, d0, nv);
            // Later state tiles add their share to the partial y already in out.
            if (!first) gather_lanes(c.y, out, row0, len, Dch, d0, nv);
            recur(in, row0, len, n0, nt, AT, &c, h, NULL, NULL);
            if (last && in->z) gate_chunk(&c);
            scatter_lanes(out, c.y, row0, len, Dch, d0, nv);
            if (checkpoints && ch + 1 < g->nchunks) {
                float *dst = checkpoints + (((size_t)b * g->ncb + cb) * (g->nchunks - 1) + ch) * N * W;
                memcpy(dst + (size_t)n0 * W, h, sizeof(float) * W * nt);
            }
        }
    }
}

void ck_selective_scan_forward(const ck_scan_inputs *in, float *out, float *checkpoints) {
    const scan_geometry g = scan_geometry_of(in->L, in->Dch, in->N);
    const int items = in->B * g.ncb;
#pragma omp parallel for schedule(static)
    for (int i = 0; i < items; i++) forward_block(in, &g, i / g.ncb, i % g.ncb, out, checkpoints);
}

// ---- backward ----

typedef struct {
    const ck_scan_inputs *in;
    const ck_scan_grads *gr;
    const float *dout, *checkpoints;
    scan_geometry g;
    float *items;        // [B * ngroups][item_floats]
    float *pB, *pC;      // [B][ngroups][L][N]
    float *pA;           // [B][ncb][N][W]
    float *pD, *pbias;   // [B][ncb][W]
} scan_backward;

// One backward work item's slice of the scratch, every part a multiple of N lane vectors.
typedef struct {
    float *Hs;      // [K+1][N][W] states h_{t0-1} .. h_{t0+K-1} of the chunk being differentiated
    float *As;      // [K][N][W]   exp(dt A) of the chunk
    float *accB;    // [K][N][W]   lane-wise dBm of the chunk, summed over the group's blocks
    float *accC;    // [K][N][W]   same for dCm
    float *h;       // [N][W]      running state of the recomputation
    float *AT;      // [N][W]      A of the block, transposed to lanes
    float *carry;   // [GB][N][W]  per block: dL/dh at the chunk's end times the next decay
} scan_item_workspace;

static scan_item_workspace item_workspace(float *base, int N) {
    const size_t NW = (size_t)N * W;
    scan_item_workspace w;
    w.Hs = base;
    w.As = w.Hs + (K + 1) * NW;
    w.accB = w.As + K * NW;
    w.accC = w.accB + K * NW;
    w.h = w.accC + K * NW;
    w.AT = w.h + NW;
    w.carry = w.AT + NW;   // ends at (4K + 3 + GB) * NW = item_floats
    return w;
}

// Backpropagates dout through one channel block and one chunk. carry (N lane vectors) holds
// dL/dh at the chunk's end times the next position's decay, and is left at the chunk's start;
// accB/accC collect lane-wise dBm/dCm contributions of this chunk.
INLINE void backward_block_chunk(const scan_backward *s, const scan_item_workspace *ws, int b, int cb, int ch,
                                float *carry) {
    const ck_scan_inputs *in = s->in;
    const ck_scan_grads *gr = s->gr;
    const int L = in->L, Dch = in->Dch, N = in->N;
    const size_t NW = (size_t)N * W;
    const int d0 = cb * W, nv = Dch - d0 < W ? Dch - d0 : W;
    const int t0 = ch * K, len = L - t0 < K ? L - t0 : K;
    const size_t row0 = (size_t)b * L + t0;
    float *Hs = ws->Hs, *As = ws->As, *accB = ws->accB, *accC = ws->accC, *h = ws->h, *AT = ws->AT;

    scan_lanes c;
    load_chunk(in, &c, row0, len, d0, nv);
    load_A(in, AT, 0, N, d0, nv);
    if (ch == 0) memset(Hs, 0, sizeof(float) * NW);
    else memcpy(Hs, s->checkpoints + (((size_t)b * s->g.ncb + cb) * (s->g.nchunks - 1) + ch - 1) * NW,
                sizeof(float) * NW);
    memcpy(h, Hs, sizeof(float) * NW);
    recur(in, row0, len, 0, N, AT, &c, h, Hs + NW, As);

    const v8f Dv = channel_lanes(in->D, d0, nv);
    float *dA = s->pA + ((size_t)b * s->g.ncb + cb) * NW;
    float *dDp = s->pD + ((size_t)b * s->g.ncb + cb) * W;
    float *dbiasp = s->pbias + ((size_t)b * s->g.ncb + cb) * W;
    v8f dD = vload(dDp), dbias = vload(dbiasp);
    v8f gout[K], du[K], ddelta[K], dz[K];
    gather_lanes(gout, s->dout, row0, len, Dch, d0, nv);

    for (int k = len - 1; k >= 0; k--) {
        const float *Bk = in->Bm + (row0 + (size_t)k) * N;
        const float *Ck = in->Cm + (row0 + (size_t)k) * N;
        const float *Hk = Hs + (size_t)(k + 1) * NW, *Hprev = Hs + (size_t)k * NW, *Ak = As + (size_t)k * NW;
        float *accBk = accB + (size_t)k * NW, *accCk = accC + (size_t)k * NW;
        const v8f dt = c.dt[k], dtu = c.dtu[k];
        v8f dy = gout[k];
        if (in->z) {
            const v8f zv = c.z[k], sz = vsigmoid(zv);
            dz[k] = dy * c.y[k] * sz * (1.0f + zv * (1.0f - sz));
            dy *= zv * sz;
        }
        v8f sgb = vsplat(0.0f), ddt = vsplat(0.0f);
        for (int n = 0; n < N; n++) {
            const size_t i = (size_t)n * W;
            const v8f a = vload(Ak + i);
            const v8f gh = dy * Ck[n] + vload(carry + i);     // dL/dh_k[n]
            const v8f q = gh * a * vload(Hprev + i);
            vstore(accCk + i, vload(accCk + i) + dy * vload(Hk + i));
            vstore(accBk + i, vload(accBk + i) + gh * dtu);
            vstore(dA + i, vload(dA + i) + dt * q);
            vstore(carry + i, a * gh);
            ddt += vload(AT + i) * q;
            sgb += gh * Bk[n];
        }
        du[k] = dy * Dv + sgb * dt;
        ddelta[k] = (ddt + sgb * c.u[k]) * c.dsp[k];
        dD += dy * c.u[k];
        dbias += ddelta[k];
    }
    vstore(dDp, dD);
    vstore(dbiasp, dbias);
    scatter_lanes(gr->du, du, row0, len, Dch, d0, nv);
    scatter_lanes(gr->ddelta, ddelta, row0, len, Dch, d0, nv);
    if (in->z && gr->dz) scatter_lanes(gr->dz, dz, row0, len, Dch, d0, nv);
}

// One work item: batch b, channel blocks of group grp, all chunks from last to first.
CK_VECTORISED static void backward_item(const scan_backward *s, int b, int grp) {
    const int N = s->in->N, L = s->in->L;
    const size_t NW = (size_t)N * W;
    const int cb0 = grp * GB, cb1 = cb0 + GB < s->g.ncb ? cb0 + GB : s->g.ncb;
    const scan_item_workspace ws = item_workspace(s->items + ((size_t)b * s->g.ngroups + grp) * s->g.item_floats, N);
    float *accB = ws.accB, *accC = ws.accC, *carry = ws.carry;
    float *pB = s->pB + ((size_t)b * s->g.ngroups + grp) * L * N;
    float *pC = s->pC + ((size_t)b * s->g.ngroups + grp) * L * N;

    memset(carry, 0, sizeof(float) * GB * NW);
    for (int cb = cb0; cb < cb1; cb++) {
        const size_t o = (size_t)b * s->g.ncb + cb;
        memset(s->pA + o * NW, 0, sizeof(float) * NW);
        memset(s->pD + o * W, 0, sizeof(float) * W);
        memset(s->pbias + o * W, 0, sizeof(float) * W);
    }
    for (int ch = s->g.nchunks - 1; ch >= 0; ch--) {
        const int t0 = ch * K, len = L - t0 < K ? L - t0 : K;
        memset(accB, 0, sizeof(float) * K * NW);
        memset(accC, 0, sizeof(float) * K * NW);
        for (int cb = cb0; cb < cb1; cb++) backward_block_chunk(s, &ws, b, cb, ch, carry + (cb - cb0) * NW);
        for (int k = 0; k < len; k++)
            for (int n = 0; n < N; n++) {
                float sb = 0.0f, sc = 0.0f;
                for (int w = 0; w < W; w++) {
                    sb += accB[((size_t)k * N + n) * W + w];
                    sc += accC[((size_t)k * N + n) * W + w];
                }
                pB[(size_t)(t0 + k) * N + n] = sb;
                pC[(size_t)(t0 + k) * N + n] = sc;
            }
    }
}

void ck_selective_scan_backward(const ck_scan_inputs *in, const float *dout, const float *checkpoints,
                                float *scratch, const ck_scan_grads *grads) {
    const int B = in->B, L = in->L, Dch = in->Dch, N = in->N;
    scan_backward s = {.in = in, .gr = grads, .dout = dout, .checkpoints = checkpoints,
                       .g = scan_geometry_of(L, Dch, N)};
    const size_t items = (size_t)B * s.g.ngroups, partLN = items * (size_t)L * N;
    s.items = scratch;
    s.pB = s.items + items * s.g.item_floats;
    s.pC = s.pB + partLN;
    s.pA = s.pC + partLN;
    s.pD = s.pA + (size_t)B * s.g.ncb * N * W;
    s.pbias = s.pD + (size_t)B * s.g.ncb * W;

#pragma omp parallel for schedule(static)
    for (int i = 0; i < (int)items; i++) backward_item(&s, i / s.g.ngroups, i % s.g.ngroups);

    // Fixed-order reductions: over the batch for per-channel gradients, over groups for dBm/dCm.
#pragma omp parallel for schedule(static)
    for (int d = 0; d < Dch; d++) {
        const int cb = d / W, w = d % W;
        for (int n = 0; n < N; n++) {
            float acc = 0.0f;
            for (int b = 0; b < B; b++) acc += s.pA[(((size_t)b * s.g.ncb + cb) * N + n) * W + w];
            grads->dA[(size_t)d * N + n] = acc;
        }
        float accD = 0.0f, accBias = 0.0f;
        for (int b = 0; b < B; b++) {
            accD += s.pD[((size_t)b * s.g.ncb + cb) * W + w];
            accBias += s.pbias[((size_t)b * s.g.ncb + cb) * W + w];
        }
        if (in->D && grads->dD) grads->dD[d] = accD;
        if (in->delta_bias && grads->ddelta_bias) grads->ddelta_bias[d] = accBias;
    }
#pragma omp parallel for schedule(static)
    for (int r = 0; r < B * L; r++) {
        const int b = r / L, t = r % L;
        for (int n = 0; n < N; n++) {
            float sb = 0.0f, sc = 0.0f;
            for (int grp = 0; grp < s.g.ngroups; grp++) {
                const size_t o = (((size_t)b * s.g.ngroups + grp) * L + t) * N + n;
                sb += s.pB[o];
                sc += s.pC[o];
            }
            grads->dBm[(size_t)r * N + n] = sb;
            grads->dCm[(size_t)r * N + n] = sc;
        }
    }
}
