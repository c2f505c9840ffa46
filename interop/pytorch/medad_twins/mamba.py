"""The Mamba mixer of mamba-s and mamba3d-s (SPEC.md, "mamba-s"): selective scans, one scan
direction, and the mixer that runs several directions over the token sequence.

Two implementations of the selective scan compute the same recurrence
    h_t = exp(Δ_t A) h_{t-1} + Δ_t B_t u_t,   y_t = C_t · h_t + D u_t
  * "par": mambapy's parallel (Blelloch) scan, what a PyTorch user on a CPU would pick; the default,
    so benchmarks time a realistic twin.
  * "seq": a plain loop over time, the semantics of mamba_ssm's selective_scan_ref; the reference
    for fixtures because its rounding follows the recurrence as written, as medad's does.
"""
import math
from contextlib import contextmanager

import torch
import torch.nn as nn
import torch.nn.functional as F

D_STATE, D_CONV, EXPAND = 16, 4, 2


def selective_scan_seq(u, delta, A, Bm, Cm, D):
    """u, delta: (B, L, Di) (delta already softplus-ed); A: (Di, N); Bm, Cm: (B, L, N); D: (Di)."""
    h = u.new_zeros(u.shape[0], u.shape[2], A.shape[1])
    ys = []
    for t in range(u.shape[1]):
        dt = delta[:, t, :, None]
        h = torch.exp(dt * A) * h + dt * Bm[:, t, None, :] * u[:, t, :, None]
        ys.append((h * Cm[:, t, None, :]).sum(-1))
    return torch.stack(ys, 1) + u * D


def selective_scan_par(u, delta, A, Bm, Cm, D):
    from mambapy.pscan import pscan  # imported late: only the mamba twin needs mambapy
    dA = torch.exp(delta.unsqueeze(-1) * A)                        # (B, L, Di, N)
    dBu = delta.unsqueeze(-1) * Bm.unsqueeze(2) * u.unsqueeze(-1)  # (B, L, Di, N)
    hs = pscan(dA, dBu)                                            # pads L to a power of 2 itself
    return (hs @ Cm.unsqueeze(-1)).squeeze(3) + D * u


SCANS = {"par": selective_scan_par, "seq": selective_scan_seq}
_impl = ["par"]


def set_scan_impl(name):
    """Selects the scan implementation for every mamba twin in this process; returns the previous one."""
    if name not in SCANS:
        raise ValueError(f"scan implementation {name!r}: expected one of {sorted(SCANS)}")
    previous, _impl[0] = _impl[0], name
    return previous


@contextmanager
def scan_impl(name):
    previous = set_scan_impl(name)
    try:
        yield
    finally:
        set_scan_impl(previous)


class Direction(nn.Module):
    """One scan direction: causal depthwise conv1d, SiLU, x_proj → (Δ, B, C), dt_proj, selective scan."""

    def __init__(self, di, d_state, dt_rank, d_conv):
        super().__init__()
        # padding d_conv-1 on both sides, output cut to the first L: a causal conv (left padding 3)
        self.conv1d = nn.Conv1d(di, di, d_conv, groups=di, padding=d_conv - 1, bias=True)
        self.x_proj = nn.Linear(di, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, di, bias=True)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(di, 1))
        self.D = nn.Parameter(torch.ones(di))
        self.dt_rank, self.d_state = dt_rank, d_state
        # upstream Mamba init, so that dumped torch-initialised weights look like a real model's:
        # dt ~ logU[0.001, 0.1], dt_proj.bias = softplus⁻¹(dt)
        dt = torch.exp(torch.rand(di) * (math.log(0.1) - math.log(0.001)) + math.log(0.001)).clamp(min=1e-4)
        with torch.no_grad():
            self.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
            nn.init.uniform_(self.dt_proj.weight, -dt_rank ** -0.5, dt_rank ** -0.5)

    def forward(self, x):  # x (B, L, Di)
        L = x.shape[1]
        x = F.silu(self.conv1d(x.transpose(1, 2))[..., :L].transpose(1, 2))
        dt, Bm, Cm = self.x_proj(x).split([self.dt_rank, self.d_state, self.d_state], -1)
        delta = F.softplus(self.dt_proj(dt))
        return SCANS[_impl[0]](x, delta, -torch.exp(self.A_log), Bm, Cm, self.D)


def _column_major(x, h, w):
    """(B, L, C) raster (row-major) tokens → the same tokens in column-major order."""
    return x.reshape(x.shape[0], h, w, x.shape[2]).transpose(1, 2).reshape(x.shape)


def _row_major(x, h, w):
    """inverse of _column_major: (B, L, C) in column-major order → row-major order."""
    return x.reshape(x.shape[0], w, h, x.shape[2]).transpose(1, 2).reshape(x.shape)


class Mixer(nn.Module):
    """out = out_proj(mixed(x) · SiLU(z)), [x, z] = in_proj(tokens).
    scan "bi": directions `fwd` and `bwd` (the latter on x reversed along L, reversed back), averaged;
    the tokens' raster order is the only order, so it serves any grid (2D or 3D).
    scan "cross4": `directions.0..3` = row-major, row-major reversed, column-major, column-major
    reversed, each returned to row-major order, summed (SPEC: summed, not averaged); 2D grids only."""

    def __init__(self, d, scan="bi", d_state=D_STATE, d_conv=D_CONV, expand=EXPAND):
        super().__init__()
        di, r = expand * d, math.ceil(d / 16)
        self.scan = scan
        self.in_proj = nn.Linear(d, 2 * di, bias=False)
        if scan == "bi":
            self.fwd = Direction(di, d_state, r, d_conv)
            self.bwd = Direction(di, d_state, r, d_conv)
        elif scan == "cross4":
            self.directions = nn.ModuleList([Direction(di, d_state, r, d_conv) for _ in range(4)])
        else:
            raise ValueError(f"scan {scan!r}: expected bi or cross4")
        self.out_proj = nn.Linear(di, d, bias=False)

    def forward(self, tokens, grid):
        x, z = self.in_proj(tokens).chunk(2, -1)
        if self.scan == "bi":
            mixed = (self.fwd(x) + self.bwd(x.flip(1)).flip(1)) * 0.5
        else:
            h, w = grid
            d0, d1, d2, d3 = self.directions
            xc = _column_major(x, h, w)
            mixed = (d0(x) + d1(x.flip(1)).flip(1)
                     + _row_major(d2(xc), h, w) + _row_major(d3(xc.flip(1)).flip(1), h, w))
        return self.out_proj(mixed * F.silu(z))


class MambaBlock(nn.Module):
    """pre-norm residual: x + mixer(norm(x))"""

    def __init__(self, d, scan="bi"):
        super().__init__()
        self.norm = nn.LayerNorm(d, eps=1e-5)
        self.mixer = Mixer(d, scan)

    def forward(self, x, grid):
        return x + self.mixer(self.norm(x), grid)
