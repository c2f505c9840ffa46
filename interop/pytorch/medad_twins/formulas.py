"""Closed-form weights, inputs, conditioning and training batches for the parity fixtures.

medad's tests recompute the same formulas (ZooParityTests.swift), so fixtures store results only,
never weights or data. Every formula is evaluated in float64 and rounded once to float32, which
Swift reproduces exactly with Float(Double expression).
"""
import math

import torch


def formula_value(name, shape, i, k):
    """entry i (flat, row-major) of parameter `name` of `shape`, the k-th in parameter order"""
    wave = math.sin(1.7 * i + 0.3 * k)
    if name.endswith("A_log"):
        return math.log(1 + i % shape[-1]) + 0.05 * wave
    if name.endswith(".D") or (name.endswith(".weight") and len(shape) == 1):  # skip D, norm scales
        return 1 + 0.05 * wave
    if len(shape) == 1:  # biases
        return 0.05 * wave
    fan_in = math.prod(shape[1:])
    return wave / math.sqrt(fan_in)


def load_formula_weights(model):
    """Overwrites every parameter with formula_value (k = index in named_parameters order), scalar by
    scalar with Python's libm like Swift's Foundation; returns that order."""
    names = []
    with torch.no_grad():
        for k, (name, p) in enumerate(model.named_parameters()):
            shape = list(p.shape)
            values = [formula_value(name, shape, i, k) for i in range(p.numel())]
            p.copy_(torch.tensor(values, dtype=torch.float64).float().reshape(p.shape))
            names.append(name)
    return names


def formula_input(batch, size, dims=2):
    """x[n] = sin(0.37 n) + 0.5 cos(0.11 n), n the flat index of [batch, 1, size, size] (dims 3:
    [batch, 1, size, size, size])"""
    return torch.tensor([math.sin(0.37 * n) + 0.5 * math.cos(0.11 * n) for n in range(batch * size ** dims)],
                        dtype=torch.float64).float().reshape(batch, 1, *[size] * dims)


def formula_cond(batch, cond_dim):
    """c[b, e] = cos(0.5 (b·cond_dim + e))"""
    return torch.tensor([[math.cos(0.5 * (b * cond_dim + e)) for e in range(cond_dim)] for b in range(batch)],
                        dtype=torch.float64).float()


def formula_batch(step, batch, size):
    """Training batch `step`: image x and disc mask, both [batch, 1, size, size] float32.
    n = (b·size + i)·size + j; x = sin(0.37 n + 0.9 s) + 0.5 cos(0.11 n − 0.4 s);
    mask = 1 inside the disc of radius size/6 around ((3 + 5s + 7b) mod size, (2 + 3s + 5b) mod size)."""
    x = torch.empty(batch, 1, size, size, dtype=torch.float64)
    mask = torch.zeros(batch, 1, size, size, dtype=torch.float64)
    radius_sq = (size / 6) ** 2
    for b in range(batch):
        ci, cj = (3 + 5 * step + 7 * b) % size, (2 + 3 * step + 5 * b) % size
        for i in range(size):
            for j in range(size):
                n = (b * size + i) * size + j
                x[b, 0, i, j] = math.sin(0.37 * n + 0.9 * step) + 0.5 * math.cos(0.11 * n - 0.4 * step)
                if (i - ci) ** 2 + (j - cj) ** 2 <= radius_sq:
                    mask[b, 0, i, j] = 1.0
    return x.float(), mask.float()


def formula_batches(steps, batch, size, loss):
    """(inputs, targets), each [steps, batch, 1, size, size]: mse → (x, x); seg → (x + 1.5·mask, mask)
    with x already float32 and the sum rounded once to float32 (= Float(x) + 1.5 * mask in Swift)."""
    xs, ys = [], []
    for s in range(steps):
        x, mask = formula_batch(s, batch, size)
        if loss == "mse":
            xs.append(x); ys.append(x)
        elif loss == "seg":
            xs.append((x.double() + 1.5 * mask.double()).float()); ys.append(mask)
        else:
            raise ValueError(f"loss {loss!r}: expected mse or seg")
    return torch.stack(xs), torch.stack(ys)
