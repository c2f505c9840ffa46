"""python3 -m medad_twins {bench,dump,train-stream,fixtures,diffusion-fixtures,check} ...  (PYTHONPATH=interop/pytorch)"""
import argparse
import os

import torch

from . import mamba
from .nets import default_scan, kind

# interop/pytorch/medad_twins → repository root → the Swift tests' fixture folder
DEFAULT_FIXTURES = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                                 "Tests", "MedadZooTests", "Fixtures"))


def parser():
    ap = argparse.ArgumentParser(prog="python3 -m medad_twins", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p, scan_impl, threads=2):
        p.add_argument("--threads", type=int, default=threads)
        p.add_argument("--scan-impl", choices=sorted(mamba.SCANS), default=scan_impl,
                       help="mamba selective scan: mambapy's parallel scan or the sequential reference")

    b = sub.add_parser("bench", help="median training-step and forward times per backbone")
    b.add_argument("--size", type=int, default=128, help="image side; patch side (size³) for 3D backbones")
    b.add_argument("--batch", type=int, default=16)
    b.add_argument("--steps", type=int, default=5); b.add_argument("--which", default="cnn-s,vit-s,mamba-s")
    b.add_argument("--scan", choices=["bi", "cross4"], default=None, help="default: each backbone's (cross4 for mamba-s)")
    common(b, "par")

    d = sub.add_parser("dump", help="torch-initialised weights, an input, and the twin's output, loss, gradients")
    d.add_argument("--backbone", required=True); d.add_argument("--out", required=True)
    d.add_argument("--size", type=int, default=32, help="image side; volume side (size³) for 3D backbones")
    d.add_argument("--batch", type=int, default=2)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--scan", choices=["bi", "cross4"], default=None, help="default: the backbone's (cross4 for mamba-s)")
    d.add_argument("--perturb", type=float, default=0.0, help="add PERTURB·N(0,1) to every parameter")
    common(d, "seq")

    t = sub.add_parser("train-stream", help="train on given batches with medad's optimiser semantics")
    t.add_argument("dir"); t.add_argument("--out", required=True)
    t.add_argument("--scan", choices=["bi", "cross4"], default=None, help="overrides options.json's scan")
    common(t, "par", threads=None)  # None: options.json's threads, else 2

    f = sub.add_parser("fixtures", help="regenerate the parity fixtures of Tests/MedadZooTests")
    f.add_argument("--out", default=DEFAULT_FIXTURES)
    f.add_argument("--only", choices=["twin", "train"], default=None, help="regenerate one kind of fixture only")
    common(f, "seq")

    df = sub.add_parser("diffusion-fixtures", help="ddpm's reference values (diffusers, opensimplex) for Tests/MedadMethodsTests")
    df.add_argument("--out", default=os.path.join(os.path.dirname(DEFAULT_FIXTURES), "..", "MedadMethodsTests", "Fixtures"))
    common(df, "par")

    c = sub.add_parser("check", help="the twins' own consistency checks")
    common(c, "par")
    return ap


def main():
    ap = parser()
    args = ap.parse_args()
    # before any timing or writing: a bad name or cross4 on a 3D backbone fails the whole command at once
    for backbone in args.which.split(",") if args.cmd == "bench" else [args.backbone] if args.cmd == "dump" else []:
        try:
            kind(backbone, args.scan or default_scan(backbone))
        except ValueError as e:
            ap.error(str(e))
    if args.threads:
        torch.set_num_threads(args.threads)
    mamba.set_scan_impl(args.scan_impl)
    if args.cmd == "bench":
        from . import bench as command
    elif args.cmd == "dump":
        from . import dump as command
    elif args.cmd == "train-stream":
        from . import stream as command
    elif args.cmd == "fixtures":
        from . import fixtures as command
    elif args.cmd == "diffusion-fixtures":
        from . import diffusion as command
    else:
        from . import selfcheck as command
    command.run(args)


if __name__ == "__main__":
    main()
