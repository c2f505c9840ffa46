import CKernels

/// Multi-head self-attention from a fused qkv projection: qkv [B, L, 3D] holds [q | k | v], each split
/// into `heads` heads of D/heads channels (PyTorch's view(B, L, 3, H, Dh)); returns weights·v [B, L, D]
/// with the heads side by side. The scores are q·kᵀ/√Dh plus `mask` [L, L] (0 or −∞) when given; the
/// weights are their softmax over the keys, or with `sigmoidShift` s, σ(score − s) for each key alone.
public func multiHeadAttention(_ qkv: Tensor, heads: Int, mask: Tensor? = nil, sigmoidShift: Float? = nil) -> Tensor {
    precondition(qkv.rank == 3 && heads > 0 && qkv.shape[2] % (3 * heads) == 0,
                 "multiHeadAttention: qkv \(qkv.shape) is not [B, L, 3·D] with D divisible by \(heads) heads")
    let (b, l, d) = (qkv.shape[0], qkv.shape[1], qkv.shape[2] / 3)
    let headDim = d / heads
    if let mask { Shape.requireEqual(mask.shape, [l, l], op: "multiHeadAttention mask") }
    let scale = 1 / Float(headDim).squareRoot()
    let sigmoid: Int32 = sigmoidShift == nil ? 0 : 1
    // q·kᵀ and weights·v, as the matrix products this kernel replaced counted them: without this
    // `medad zoo` left attention out of the token backbones' GFLOPs.
    FLOPCounter.add(4 * b * l * l * d)
    let weights = Tensor(uninitialized: [b, heads, l, l])
    let out = Tensor(uninitialized: [b, l, d])
    ck_attention_forward(qkv.storage.pointer, mask?.storage.pointer, weights.storage.pointer, out.storage.pointer,
                         Int32(b), Int32(l), Int32(heads), Int32(headDim), scale, sigmoid, sigmoidShift ?? 0)
    return Tensor.record("multiHeadAttention", out, inputs: [qkv]) { g in
        let dqkv = Tensor(uninitialized: qkv.shape)
        Scratch.check(ck_attention_backward(qkv.storage.pointer, weights.storage.pointer, g.storage.pointer,
                                            dqkv.storage.pointer, Int32(b), Int32(l), Int32(heads), Int32(headDim),
                                            scale, sigmoid), "attention backward")
        return [dqkv]
    }
}
