// Multi-head self-attention over a fused qkv projection, forward and backward, behind MedadTensor's
// multiHeadAttention.
//
// Shapes: B samples, L tokens, H heads of Dh channels, D = H·Dh.
//   qkv     [B, L, 3D]     channels [q | k | v], each H heads of Dh (PyTorch's view(B, L, 3, H, Dh))
//   mask    [L, L]         added to the scaled scores (0 where a key is seen, -inf elsewhere), or NULL
//   weights [B, H, L, L]   over the keys: softmax(scale·q·kᵀ + mask), or with sigmoid != 0,
//                          σ(scale·q·kᵀ + mask − shift) for each key alone
//   out     [B, L, D]      weights·v, the heads side by side as the output projection reads them
#pragma once

void ck_attention_forward(const float *qkv, const float *mask, float *weights, float *out,
                          int B, int L, int H, int Dh, float scale, int sigmoid, float shift);

// d_qkv [B, L, 3D] (overwritten) from d_out [B, L, D] and the forward's qkv and weights. Returns -1
// when memory for the per-thread scratch (L·L floats each) runs out, else 0.
int ck_attention_backward(const float *qkv, const float *weights, const float *d_out, float *d_qkv,
                          int B, int L, int H, int Dh, float scale, int sigmoid);
