"""`train-stream`: train a twin on batches medad hands over, with medad's optimiser semantics, and
hand back the final weights and the loss curve, so a Swift training run can be checked step by step.

DIR/weights.safetensors  initial weights (SPEC names)
DIR/batches.safetensors  x, y [N, B, 1, H, W] float32; optional w (per-pixel BCE weights, shape of y)
DIR/options.json         backbone, scan, steps, lr, warmup, min_lr, weight_decay, clip, loss ("mse" |
                         "seg"), dice_weight, threads (unconditioned decoders only: no conditioning input)
"""
import json
import os

import torch
from safetensors.torch import load_file, save_file

from .nets import EncoderDecoder
from .training import train

REQUIRED = ("backbone", "steps", "lr", "warmup", "min_lr", "weight_decay", "clip", "loss")


def _replace_atomically(path, write):
    """write(tmp) then rename, so a reader never sees a half-written file"""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def run(args):
    with open(os.path.join(args.dir, "options.json")) as f:
        options = json.load(f)
    missing = [k for k in REQUIRED if k not in options]
    if missing:
        raise SystemExit(f"options.json: missing {', '.join(missing)}")
    torch.set_num_threads(int(args.threads or options.get("threads", 2)))  # the command line wins
    scan = args.scan or options.get("scan")
    batches = load_file(os.path.join(args.dir, "batches.safetensors"))
    xs, ys, ws = batches["x"].float(), batches["y"].float(), batches.get("w")
    if ws is not None and ws.shape != ys.shape:
        raise SystemExit(f"batches: w {list(ws.shape)} must have the shape of y {list(ys.shape)}")

    model = EncoderDecoder(options["backbone"], out_channels=ys.shape[2], scan=scan)
    initial = load_file(os.path.join(args.dir, "weights.safetensors"))
    model.load_state_dict({k: v.float() for k, v in initial.items()}, strict=True)

    losses, norms = train(model, xs, ys, int(options["steps"]), float(options["lr"]), int(options["warmup"]),
                          float(options["min_lr"]), float(options["weight_decay"]), float(options["clip"]),
                          options["loss"], float(options.get("dice_weight", 1.0)),
                          None if ws is None else ws.float())

    os.makedirs(args.out, exist_ok=True)
    weights = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    _replace_atomically(os.path.join(args.out, "weights.safetensors"), lambda p: save_file(weights, p))

    def write_losses(p):
        with open(p, "w") as f:
            json.dump({"losses": losses, "grad_norms": norms}, f)
    # losses.json last: its presence means the run finished and the weights beside it are final
    _replace_atomically(os.path.join(args.out, "losses.json"), write_losses)
    print(json.dumps({"backbone": options["backbone"], "scan": model.scan, "steps": len(losses),
                      "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None}))
