import MedadSupport

/// Inverted dropout (Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
/// Overfitting", JMLR 2014): while training, each value is zeroed with the given probability and the
/// kept ones are scaled by 1 / (1 − probability), so inference needs no rescaling. Returns x itself
/// when not training or when the probability is 0. The mask is drawn from `rng`, one draw per value.
public func dropout(_ x: Tensor, probability: Float, training: Bool, rng: inout SeededRandom) -> Tensor {
    precondition(probability >= 0 && probability <= 1, "dropout: probability \(probability) must be in [0, 1]")
    guard training && probability > 0 else { return x }
    let scale: Float = probability < 1 ? 1 / (1 - probability) : 0
    let mask = Tensor(uninitialized: x.shape)
    let m = mask.storage.pointer
    for i in 0..<mask.count { m[i] = rng.nextFloat() < probability ? 0 : scale }
    let out = Tensor(uninitialized: x.shape)
    let xp = x.storage.pointer, o = out.storage.pointer
    for i in 0..<out.count { o[i] = xp[i] * m[i] }
    return Tensor.record("dropout", out, inputs: [x]) { grad in
        let dx = Tensor(uninitialized: x.shape)
        let g = grad.storage.pointer, d = dx.storage.pointer, kept = mask.storage.pointer
        for i in 0..<dx.count { d[i] = g[i] * kept[i] }
        return [dx]
    }
}
