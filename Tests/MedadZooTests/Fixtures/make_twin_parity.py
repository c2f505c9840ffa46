"""Makes twin_parity_<backbone>.json: what the PyTorch twin (../shared/bench/torch_twins.py) computes
for formula-made weights and input, so medad's zoo can be checked against it in CI without torch.

Weights and input come from closed formulas that ZooParityTests.swift repeats, so no weights are
stored. The fixture keeps the full output y, the loss, and for every parameter's gradient its sum,
its sum of squares and 64 entries at fixed positions.

usage: python make_twin_parity.py [--twins PATH_TO_torch_twins.py]   (needs torch, mambapy)
"""
import argparse, importlib.util, json, math, os

import torch
import torch.nn.functional as F

BATCH, SIZE, SAMPLES = 2, 16, 64


def formula_value(name, shape, i, k):
    wave = math.sin(1.7 * i + 0.3 * k)
    if name.endswith("A_log"):
        return math.log(1 + i % shape[-1]) + 0.05 * wave
    if name.endswith(".D") or (name.endswith(".weight") and len(shape) == 1):  # skip D, norm scales
        return 1 + 0.05 * wave
    if len(shape) == 1:  # biases
        return 0.05 * wave
    fan_in = math.prod(shape[1:])
    return wave / math.sqrt(fan_in)


def formula_input():
    return torch.tensor([math.sin(0.37 * i) + 0.5 * math.cos(0.11 * i) for i in range(BATCH * SIZE * SIZE)],
                        dtype=torch.float64).float().reshape(BATCH, 1, SIZE, SIZE)


def sample_positions(count):
    return sorted({(j * 7919) % count for j in range(SAMPLES)})


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--twins", default=os.path.join(here, "../../../../shared/bench/torch_twins.py"))
    a = ap.parse_args()
    spec = importlib.util.spec_from_file_location("torch_twins", a.twins)
    twins = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(twins)
    twins.SCAN_MODE[0] = "seq"  # mamba_ssm's selective_scan_ref semantics
    torch.set_num_threads(2)
    for backbone in ["cnn-s", "vit-s", "mamba-s"]:
        model = twins.Model(backbone)
        names = [n for n, _ in model.named_parameters()]
        with torch.no_grad():
            for k, (name, p) in enumerate(model.named_parameters()):
                values = [formula_value(name, list(p.shape), i, k) for i in range(p.numel())]
                p.copy_(torch.tensor(values, dtype=torch.float64).float().reshape(p.shape))
        x = formula_input()
        y = model(x)
        loss = F.mse_loss(y, x)
        loss.backward()
        grads = {}
        for name, p in model.named_parameters():
            g = p.grad.double().flatten()
            positions = sample_positions(g.numel())
            grads[name] = {"shape": list(p.shape), "sum": g.sum().item(), "sum_squares": (g * g).sum().item(),
                           "positions": positions, "values": [g[j].item() for j in positions]}
        out = {"backbone": backbone, "batch": BATCH, "size": SIZE, "parameter_order": names,
               "loss": loss.item(), "y": [v for v in y.detach().flatten().tolist()], "grads": grads}
        path = os.path.join(here, f"twin_parity_{backbone}.json")
        with open(path, "w") as f:
            json.dump(out, f)
        print(backbone, "params", sum(p.numel() for p in model.parameters()), "loss", loss.item(), "->", path)


if __name__ == "__main__":
    main()
