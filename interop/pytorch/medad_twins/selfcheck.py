"""`check`: the twins' own consistency checks (a few seconds each): SPEC parameter counts, output
shapes on unequal sides (2D and 3D), the refusal of cross4 on volumes, mambapy's parallel scan
against the sequential reference, the hand-written AdamW against torch.optim.AdamW, the weighted
BCE, and train-stream's first loss against a plain forward."""
import json
import math
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import save_file

from . import mamba
from .nets import BACKBONES, KINDS, PARAM_COUNTS, EncoderDecoder, count_parameters
from .training import AdamW, clip_gradients, learning_rate, mse_loss, seg_loss


def _rel(a, b):
    return ((a - b).abs().max() / b.abs().max().clamp(min=1e-30)).item()


def check_counts():
    for backbone in BACKBONES:  # the constructor asserts SPEC's number
        n = count_parameters(EncoderDecoder(backbone, scan="bi"))
        print(f"  {backbone}: {n:,} parameters (SPEC {PARAM_COUNTS[backbone]:,})")
    print(f"  mamba-s cross4: {count_parameters(EncoderDecoder('mamba-s', scan='cross4')):,}; "
          f"cnn-s cond_dim 8: {count_parameters(EncoderDecoder('cnn-s', cond_dim=8)):,}")


def check_shapes():
    """unequal sides, so that a swapped axis in the token grid, the positions or the decoder shows;
    returns the backbones that failed"""
    failed = []
    for backbone in BACKBONES:
        dims = KINDS[backbone][1]
        torch.manual_seed(5)
        model = EncoderDecoder(backbone, out_channels=2)
        x = torch.randn(2, 1, *(8, 16, 24)[3 - dims:])
        with torch.no_grad():
            y, embedding = model(x), model.embed(x)
        ok = y.shape == (2, 2, *x.shape[2:]) and embedding.shape == (2, model.encoder.levels[-1][1])
        failed += [] if ok else [backbone]
        print(f"  {backbone}: {list(x.shape)} → {list(y.shape)}, embedding {list(embedding.shape)}")
    try:
        EncoderDecoder("mamba3d-s", scan="cross4")
        failed.append("mamba3d-s cross4 accepted")
    except ValueError as e:
        print(f"  refused: {e}")
    return failed


def check_scans():
    """same weights, same input, both implementations: output and every gradient"""
    worst = 0.0
    for backbone, scan, shape in [("mamba-s", "bi", (2, 1, 32, 32)), ("mamba-s", "bi", (2, 1, 24, 40)),
                                  ("mamba-s", "cross4", (2, 1, 32, 24)), ("mamba3d-s", "bi", (2, 1, 16, 24, 16))]:
        torch.manual_seed(1)
        model = EncoderDecoder(backbone, scan=scan)
        x = torch.randn(*shape)
        results = {}
        for impl in ("seq", "par"):
            model.zero_grad()
            with mamba.scan_impl(impl):
                y = model(x)
            mse_loss(y, x).backward()
            results[impl] = (y.detach(), {n: p.grad.clone() for n, p in model.named_parameters()})
        gap_y = _rel(results["par"][0], results["seq"][0])
        gap_g = max(_rel(results["par"][1][n], results["seq"][1][n]) for n in results["seq"][1])
        worst = max(worst, gap_y, gap_g)
        print(f"  {backbone} {scan} {list(shape)} (L={math.prod(side // 8 for side in shape[2:])}): par vs seq, "
              f"output {gap_y:.2e}, worst gradient {gap_g:.2e} (relative to max |value|)")
    return worst


def check_adamw():
    """4 updates with decay on ≥2-D parameters but A_log, against torch.optim.AdamW with the same groups"""
    torch.manual_seed(2)
    ours, theirs = EncoderDecoder("mamba-s"), EncoderDecoder("mamba-s")
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(2, 1, 16, 16)
    opt = AdamW(ours.named_parameters(), 0.05)
    decay = [p for n, p in theirs.named_parameters() if p.dim() >= 2 and not n.endswith("A_log")]
    rest = [p for n, p in theirs.named_parameters() if not (p.dim() >= 2 and not n.endswith("A_log"))]
    ref = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-3, eps=1e-8, foreach=False)
    for s in range(4):
        lr = learning_rate(s, 1e-3, 2, 4, 1e-5)
        opt.zero_grad(); ref.zero_grad()
        mse_loss(ours(x), x).backward(); mse_loss(theirs(x), x).backward()
        clip_gradients(list(ours.parameters()), 0.5); torch.nn.utils.clip_grad_norm_(theirs.parameters(), 0.5)
        opt.step(lr)
        for g in ref.param_groups:
            g["lr"] = lr
        ref.step()
    worst = max((a - b).abs().max().item() for a, b in zip(ours.parameters(), theirs.parameters()))
    print(f"  AdamW vs torch.optim.AdamW after 4 clipped updates: worst weight difference {worst:.2e}")
    return worst


def check_weighted_bce():
    torch.manual_seed(3)
    logits, target = torch.randn(2, 1, 8, 8), (torch.rand(2, 1, 8, 8) > 0.5).float()
    gap = (seg_loss(logits, target, 1.0, torch.ones_like(target)) - seg_loss(logits, target, 1.0)).abs().item()
    print(f"  seg loss with all-ones weights vs unweighted: {gap:.2e}")
    return gap


def check_train_stream():
    """a tiny DIR: train-stream's first loss must be the loss of a plain forward with the initial weights"""
    torch.manual_seed(4)
    model = EncoderDecoder("cnn-s")
    xs = torch.randn(3, 2, 1, 16, 16)
    ys = (torch.rand(3, 2, 1, 16, 16) > 0.7).float()
    ws = torch.rand(3, 2, 1, 16, 16)
    with tempfile.TemporaryDirectory(prefix="medad_twins_") as tmp:
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        os.makedirs(src)
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(src, "weights.safetensors"))
        save_file({"x": xs, "y": ys, "w": ws}, os.path.join(src, "batches.safetensors"))
        with open(os.path.join(src, "options.json"), "w") as f:
            json.dump({"backbone": "cnn-s", "scan": "bi", "steps": 3, "lr": 1e-3, "warmup": 1, "min_lr": 0.0,
                       "weight_decay": 0.05, "clip": 1.0, "loss": "seg", "dice_weight": 1.0, "threads": 2}, f)
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        subprocess.run([sys.executable, "-m", "medad_twins", "train-stream", src, "--out", out], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "losses.json")) as f:
            losses = json.load(f)["losses"]
        left = sorted(os.listdir(out))
    with torch.no_grad():
        manual = seg_loss(model(xs[0]), ys[0], 1.0, ws[0]).item()
    gap = abs(losses[0] - manual)
    print(f"  train-stream: first loss {losses[0]:.7f}, plain forward {manual:.7f}, {len(losses)} losses, "
          f"files {left}")
    return gap


def run(args):
    failures = []
    print("parameter counts"); check_counts()
    print("shapes"); failures += check_shapes()
    print("selective scan"); failures += ["scan"] if check_scans() > 1e-4 else []
    print("optimiser"); failures += ["adamw"] if check_adamw() > 1e-6 else []
    print("losses"); failures += ["bce"] if check_weighted_bce() > 1e-6 else []
    print("train-stream"); failures += ["train-stream"] if check_train_stream() > 1e-6 else []
    print("FAILED: " + ", ".join(failures) if failures else "all checks passed")
    if failures:
        raise SystemExit(1)
