"""`diffusion-fixtures`: reference values for ddpm's schedules, forward process, DDPM posterior, DDIM
step and simplex noise, computed by Hugging Face diffusers' schedulers and the `opensimplex` package
(the OpenSimplex implementation AnoDDPM's simplex.py follows), for Tests/MedadMethodsTests
(DiffusionReferenceTests.swift). pip install diffusers opensimplex.
"""
import json
import os

import numpy as np
import opensimplex
import torch
from diffusers import DDIMScheduler, DDPMScheduler

STEPS = [0, 1, 250, 500, 999]
X0 = [0.5, -0.25, 1.0, 0.0]
NOISE = [0.1, -1.2, 0.3, 2.0]
XT = [0.3, -0.9, 1.4, 0.05]
SEEDS = [0, 3, -7, 123456789012]
POINTS = [(0.0, 0.0, 0.0), (0.3, 1.7, -2.2), (10.5, -3.25, 7.0), (-0.9, 0.4, 3.9), (100.1, 200.2, 300.3)]
GRID = dict(height=6, width=8, t=250, octaves=6, persistence=0.8, frequency=64.0, seed=11)


def tensor(values):
    """[1, 1, n]: the schedulers expect batch and channel axes"""
    return torch.tensor(values, dtype=torch.float64).reshape(1, 1, -1)


def flat(t):
    return t.reshape(-1).tolist()


def schedules():
    out = {}
    for name, diffusers_name in (("linear", "linear"), ("cosine", "squaredcos_cap_v2")):
        s = DDPMScheduler(num_train_timesteps=1000, beta_schedule=diffusers_name)
        out[name] = {"t": STEPS, "beta": [float(s.betas[t]) for t in STEPS],
                     "alpha_bar": [float(s.alphas_cumprod[t]) for t in STEPS]}
    return out


def forward_and_posterior():
    s = DDPMScheduler(num_train_timesteps=1000, beta_schedule="linear", clip_sample=False, prediction_type="sample")
    t = 500
    add_noise = s.add_noise(tensor(X0), tensor(NOISE), torch.tensor([t]))
    generator = torch.Generator().manual_seed(0)
    step = s.step(tensor(X0), t, tensor(XT), generator=generator).prev_sample
    drawn = torch.randn((1, 1, len(X0)), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    std = float(s._get_variance(t)) ** 0.5
    eps = DDPMScheduler(num_train_timesteps=1000, beta_schedule="linear", clip_sample=False, prediction_type="epsilon")
    x0_from_eps = eps.step(tensor(NOISE), t, tensor(XT), generator=torch.Generator().manual_seed(0)).pred_original_sample
    return {"t": t, "x0": X0, "noise": NOISE, "xt": XT, "q_sample": flat(add_noise),
            "posterior_mean": flat(step - std * drawn), "posterior_variance": std * std,
            "x0_from_eps": flat(x0_from_eps)}


def ddim():
    s = DDIMScheduler(num_train_timesteps=1000, beta_schedule="linear", clip_sample=False, set_alpha_to_one=True,
                      prediction_type="epsilon")
    s.set_timesteps(10)
    out = s.step(tensor(NOISE), 500, tensor(XT), eta=0.0)
    last = s.step(tensor(NOISE), 0, tensor(XT), eta=0.0)
    return {"timesteps": [int(t) for t in s.timesteps], "from": 500, "to": 400, "xt": XT, "eps": NOISE,
            "x0": flat(out.pred_original_sample), "prev": flat(out.prev_sample), "final": flat(last.prev_sample)}


def simplex():
    points = []
    for seed in SEEDS:
        opensimplex.seed(seed)
        points.append({"seed": seed, "values": [opensimplex.noise3(*p) for p in POINTS]})
    g = GRID
    opensimplex.seed(g["seed"])
    noise, frequency, amplitude = np.zeros((g["height"], g["width"])), g["frequency"], 1.0
    ys, xs = np.arange(g["height"]), np.arange(g["width"])
    for _ in range(g["octaves"]):
        noise += amplitude * opensimplex.noise3array(xs / frequency, ys / frequency, np.array([g["t"] / frequency]))[0]
        frequency /= 2
        amplitude *= g["persistence"]
    return {"points": [list(p) for p in POINTS], "seeds": points, "grid": {**g, "values": noise.flatten().tolist()}}


def run(args):
    data = {"schedules": schedules(), "process": forward_and_posterior(), "ddim": ddim(), "simplex": simplex()}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "diffusion_reference.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
    print(f"{path}: {os.path.getsize(path):,} bytes")
