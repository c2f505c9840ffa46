"""`bench`: time a training step and a no-grad forward per backbone, as `medad bench zoo` does on the
Swift side, so the two can be compared on one machine at the same batch, size and thread count.
`size` is the side of an image (size²) or, for a 3D backbone, of a patch (size³)."""
import json
import statistics
import time

import torch

from .nets import EncoderDecoder, count_parameters
from .training import AdamW, mse_loss


def _median_seconds(fn, runs, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_one(backbone, size, batch, steps, threads, scan=None):
    torch.manual_seed(0)
    model = EncoderDecoder(backbone, scan=scan)
    optimizer = AdamW(model.named_parameters(), weight_decay=0.05)
    x = torch.randn(batch, 1, *[size] * model.dims)

    def train_step():  # forward, MSE to the input, backward, AdamW update (no clipping, like medad's bench)
        optimizer.zero_grad()
        mse_loss(model(x), x).backward()
        optimizer.step(1e-3)

    def forward():
        with torch.no_grad():
            model(x)

    return {"backbone": backbone, "scan": model.scan, "params": count_parameters(model),
            "train_step_s": _median_seconds(train_step, steps, 1), "forward_s": _median_seconds(forward, steps, 1),
            "size": size, "dims": model.dims, "batch": batch, "threads": threads}


def run(args):
    for backbone in args.which.split(","):
        print(json.dumps(bench_one(backbone, args.size, args.batch, args.steps, args.threads, args.scan)), flush=True)
