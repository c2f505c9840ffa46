import CKernels

/// Mamba's selective scan (S6, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
/// Gu & Dao 2023), with the semantics of mamba_ssm's selective_scan_ref and softplus on Δ + bias:
///   h_t = exp(Δ_t·A) ⊙ h_{t−1} + Δ_t·B_t·u_t,   y_t = C_t·h_t + D ⊙ u_t
/// u, delta: [B, L, Dch] (token-major); a: [Dch, N]; b, c: [B, L, N]; d, deltaBias: [Dch].
/// The C kernel keeps only chunk checkpoints of the states for the backward (see ck_scan.h).
public func selectiveScan(u: Tensor, delta: Tensor, a: Tensor, b: Tensor, c: Tensor, d: Tensor, deltaBias: Tensor) -> Tensor {
    precondition(u.rank == 3 && a.rank == 2, "selectiveScan: u must be [B, L, Dch] and A [Dch, N], got \(u.shape) and \(a.shape)")
    let (batch, length, channels, states) = (u.shape[0], u.shape[1], u.shape[2], a.shape[1])
    Shape.requireEqual(delta.shape, u.shape, op: "selectiveScan delta")
    Shape.requireEqual(a.shape, [channels, states], op: "selectiveScan A")
    Shape.requireEqual(b.shape, [batch, length, states], op: "selectiveScan B")
    Shape.requireEqual(c.shape, [batch, length, states], op: "selectiveScan C")
    Shape.requireEqual(d.shape, [channels], op: "selectiveScan D")
    Shape.requireEqual(deltaBias.shape, [channels], op: "selectiveScan delta bias")
    FLOPCounter.add(9 * batch * length * channels * states)

    var inputs = ck_scan_inputs(B: Int32(batch), L: Int32(length), Dch: Int32(channels), N: Int32(states), delta_softplus: 1,
                                u: u.storage.pointer, delta: delta.storage.pointer, A: a.storage.pointer,
                                Bm: b.storage.pointer, Cm: c.storage.pointer, D: d.storage.pointer, z: nil,
                                delta_bias: deltaBias.storage.pointer)
    let inputsTensors = [u, delta, a, b, c, d, deltaBias]
    let recording = GradMode.isEnabled && inputsTensors.contains { $0.requiresGrad }
    let checkpoints = recording
        ? TensorStorage(count: ck_selective_scan_checkpoint_floats(Int32(batch), Int32(length), Int32(channels), Int32(states)))
        : nil
    let out = Tensor(uninitialized: u.shape)
    ck_selective_scan_forward(&inputs, out.storage.pointer, checkpoints?.pointer)

    return Tensor.record("selectiveScan", out, inputs: inputsTensors) { g in
        let scratch = TensorStorage(count: ck_selective_scan_scratch_floats(Int32(batch), Int32(length), Int32(channels), Int32(states)))
        let grads = inputsTensors.map { Tensor(uninitialized: $0.shape) }
        var pointers = ck_scan_grads(du: grads[0].storage.pointer, ddelta: grads[1].storage.pointer, dA: grads[2].storage.pointer,
                                     dBm: grads[3].storage.pointer, dCm: grads[4].storage.pointer, dD: grads[5].storage.pointer,
                                     dz: nil, ddelta_bias: grads[6].storage.pointer)
        ck_selective_scan_backward(&inputs, g.storage.pointer, checkpoints?.pointer, scratch.pointer, &pointers)
        return grads
    }
}
