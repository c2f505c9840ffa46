"""`dump`: a torch-initialised twin, a random input (images [B, 1, size, size], or volumes
[B, 1, size, size, size] for a 3D backbone), and what the twin computes from them (output, MSE to
the input, every gradient), as safetensors files medad can load to check itself against."""
import json
import os

import torch
from safetensors.torch import save_file

from .nets import EncoderDecoder, count_parameters
from .training import mse_loss


def run(args):
    torch.manual_seed(args.seed)
    model = EncoderDecoder(args.backbone, scan=args.scan)
    if args.perturb:  # fresh norms are 1 and biases 0; a perturbation makes them matter in the check
        with torch.no_grad():
            for p in model.parameters():
                p.add_(args.perturb * torch.randn_like(p))
    x = torch.randn(args.batch, 1, *[args.size] * model.dims)
    y = model(x)
    loss = mse_loss(y, x)
    loss.backward()
    os.makedirs(args.out, exist_ok=True)
    save_file({k: v.detach().float().contiguous() for k, v in model.state_dict().items()},
              os.path.join(args.out, "weights.safetensors"))
    save_file({"x": x.contiguous()}, os.path.join(args.out, "input.safetensors"))
    expected = {"y": y.detach().contiguous(), "loss": loss.detach().reshape(1)}
    for name, p in model.named_parameters():
        expected["grad." + name] = p.grad.contiguous()
    save_file(expected, os.path.join(args.out, "expected.safetensors"))
    print(json.dumps({"backbone": args.backbone, "scan": model.scan, "params": count_parameters(model),
                      "loss": loss.item(), "out": args.out}))
