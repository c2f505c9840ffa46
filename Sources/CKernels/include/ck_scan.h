// Selective scan (Mamba's S6 recurrence), forward and backward, on the CPU.
//
// Shape legend (all tensors float32, row-major / C order, token-major like the linear layers that
// produce them):
//   B    batch              L    positions (tokens)
//   Dch  channels           N    state size per channel (16 in the model; any N >= 1 works)
//   u, delta, z, out          [B, L, Dch]      dout, du, ddelta, dz   [B, L, Dch]
//   A                         [Dch, N]         dA                     [Dch, N]
//   Bm, Cm (shared by all channels) [B, L, N]  dBm, dCm               [B, L, N]
//   D, delta_bias             [Dch]            dD, ddelta_bias        [Dch]
//
// Semantics (mamba_ssm's selective_scan_ref), per batch b, channel d, state n, position t:
//   dt_t     = softplus(delta_t + delta_bias[d])  if delta_softplus, else delta_t + delta_bias[d]
//              (softplus(x) = x for x > 20, as PyTorch's threshold)
//   h_t[n]   = exp(dt_t * A[d,n]) * h_{t-1}[n] + dt_t * Bm_t[n] * u_t,      h_{-1} = 0
//   y_t      = sum_n Cm_t[n] * h_t[n] + D[d] * u_t
//   out_t    = y_t * silu(z_t)  if z is given, else y_t
// z, D and delta_bias may be NULL (absent: no gate, D = 0, bias = 0). Outputs (out, checkpoints,
// scratch, gradients) must not overlap the inputs or each other.
//
// Memory. The backward never holds the B*L*Dch*N states: the forward stores the state every
// CK_SCAN_CHUNK positions ("checkpoints"), and the backward recomputes each chunk's states from its
// checkpoint, one chunk and one 8-channel block at a time. Extra memory, in floats, with
// Dp = Dch rounded up to a multiple of 8, G = ceil(Dp / 64) channel groups, C = ceil(L / 16) chunks:
//   checkpoints  B * Dp * N * max(C - 1, 0)
//   scratch      B * G * (75 * 8 * N + 2 * L * N)  +  B * Dp * (N + 2)
// For the model's shape (B=16, L=256, Dch=384, N=16): checkpoints 1,474,560 floats (5.9 MB),
// scratch 1,818,624 floats (7.3 MB), i.e. 13.2 MB instead of the 100.7 MB of all states; besides,
// each thread uses under 8 KB of stack. Neither function allocates.
//
// Threads and determinism. Work is split over (batch, channel block) in the forward and
// (batch, 64-channel group) in the backward with OpenMP (team size: ck_set_num_threads). Each work
// item runs sequentially and owns its partial sums; the cross-item reductions (dA, dD, ddelta_bias
// over the batch, dBm, dCm over channel groups) are added in a fixed order afterwards. Results are
// therefore bit-identical from run to run and for any number of threads.
//
// exp, softplus and sigmoid use vectorisable float approximations accurate to about 1-2 ulp;
// exp clamps its argument to [-87.34, 88.03]: results below 2^-126 come out as 2^-126, NaN stays NaN.
#pragma once

#include <stddef.h>

// Positions between two stored states.
#define CK_SCAN_CHUNK 16

// Inputs shared by the forward and the backward (the backward needs exactly the forward's inputs).
typedef struct {
    int B, L, Dch, N;
    int delta_softplus;      // nonzero: dt = softplus(delta + delta_bias)
    const float *u;          // [B, L, Dch]
    const float *delta;      // [B, L, Dch], before bias and softplus
    const float *A;          // [Dch, N]
    const float *Bm;         // [B, L, N]
    const float *Cm;         // [B, L, N]
    const float *D;          // [Dch] or NULL
    const float *z;          // [B, L, Dch] or NULL
    const float *delta_bias; // [Dch] or NULL
} ck_scan_inputs;

// Gradients of a scalar loss. Every non-NULL field is OVERWRITTEN (never accumulated into).
// du, ddelta, dA, dBm, dCm are required; dD, dz, ddelta_bias are written only when the matching
// input (D, z, delta_bias) is present and the pointer is non-NULL. ddelta is the gradient with
// respect to the raw delta input (before bias and softplus).
typedef struct {
    float *du;          // [B, L, Dch]
    float *ddelta;      // [B, L, Dch]
    float *dA;          // [Dch, N]
    float *dBm;         // [B, L, N]
    float *dCm;         // [B, L, N]
    float *dD;          // [Dch] or NULL
    float *dz;          // [B, L, Dch] or NULL
    float *ddelta_bias; // [Dch] or NULL
} ck_scan_grads;

// Floats of the checkpoint buffer the forward fills for the backward (0 when L <= CK_SCAN_CHUNK).
size_t ck_selective_scan_checkpoint_floats(int B, int L, int Dch, int N);

// Floats of the scratch buffer the backward needs (contents on entry are irrelevant).
size_t ck_selective_scan_scratch_floats(int B, int L, int Dch, int N);

// out [B, L, Dch] <- scan(in). checkpoints: NULL (inference) or
// ck_selective_scan_checkpoint_floats(...) floats to be handed to the backward; its layout is private.
void ck_selective_scan_forward(const ck_scan_inputs *in, float *out, float *checkpoints);

// Gradients of sum(out * dout) for the forward run on the same inputs, which filled checkpoints
// (may be NULL only when L <= CK_SCAN_CHUNK). scratch: ck_selective_scan_scratch_floats(...) floats.
void ck_selective_scan_backward(const ck_scan_inputs *in, const float *dout, const float *checkpoints,
                                float *scratch, const ck_scan_grads *grads);
