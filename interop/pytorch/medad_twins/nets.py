"""The zoo v2 networks of SPEC.md: shared conv stem, per-backbone body (cnn / vit / mamba), and a
U-Net decoder with a skip at every scale and optional FiLM conditioning.

Module attribute names are the SPEC's parameter-name segments, so `named_parameters()` yields the
names medad uses and a state dict is directly a medad weights file.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .mamba import MambaBlock

WIDTH = 192          # channels of f8 and of the token bodies
BACKBONES = ("cnn-s", "vit-s", "mamba-s")
# SPEC.md's counts (out_channels 1, no conditioning, scan bi); checked on every construction
PARAM_COUNTS = {"cnn-s": 1_369_921, "vit-s": 1_412_353, "mamba-s": 1_428_481}


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())


class ConvNorm(nn.Module):
    """Conv2d(padding k//2, no bias) then GroupNorm(8, eps 1e-5); no activation (callers apply SiLU)."""

    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.norm = nn.GroupNorm(8, cout, eps=1e-5)

    def forward(self, x):
        return self.norm(self.conv(x))


def film(h, linear, cond):
    """h · (1 + scale) + shift per sample and channel; linear(cond) holds scale then shift."""
    scale, shift = linear(cond).chunk(2, 1)
    return h * (1 + scale[:, :, None, None]) + shift[:, :, None, None]


class StemStage(nn.Module):
    """ConvNorm stride 2, SiLU, ConvNorm, SiLU; with cond_dim > 0 each norm is followed by its FiLM."""

    def __init__(self, cin, cout, cond_dim=0):
        super().__init__()
        self.down = ConvNorm(cin, cout, 3, 2)
        self.conv = ConvNorm(cout, cout, 3)
        if cond_dim > 0:
            self.film_down = nn.Linear(cond_dim, 2 * cout)
            self.film_conv = nn.Linear(cond_dim, 2 * cout)

    def forward(self, x, cond=None):
        h = self.down(x)
        if cond is not None:
            h = film(h, self.film_down, cond)
        h = self.conv(F.silu(h))
        if cond is not None:
            h = film(h, self.film_conv, cond)
        return F.silu(h)


class Stem(nn.Module):
    """image → f2 [B, 32, H/2, W/2], f4 [B, 64, H/4, W/4]; the same design in every backbone."""

    def __init__(self, cond_dim=0):
        super().__init__()
        self.stages = nn.ModuleList([StemStage(1, 32, cond_dim), StemStage(32, 64, cond_dim)])

    def forward(self, x, cond=None):
        f2 = self.stages[0](x, cond)
        return f2, self.stages[1](f2, cond)


# ---- cnn-s body -------------------------------------------------------------------------------

class DownStage(nn.Module):
    """residual stage with stride 2: SiLU(conv2(SiLU(conv1(x))) + skip(x))"""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv1 = ConvNorm(cin, cout, 3, 2)
        self.conv2 = ConvNorm(cout, cout, 3)
        self.skip = ConvNorm(cin, cout, 1, 2)

    def forward(self, x):
        return F.silu(self.conv2(F.silu(self.conv1(x))) + self.skip(x))


class ResBlock(nn.Module):
    """identity residual block: SiLU(conv2(SiLU(conv1(x))) + x)"""

    def __init__(self, c):
        super().__init__()
        self.conv1 = ConvNorm(c, c, 3)
        self.conv2 = ConvNorm(c, c, 3)

    def forward(self, x):
        return F.silu(self.conv2(F.silu(self.conv1(x))) + x)


class CNNBody(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = DownStage(64, WIDTH)
        self.blocks = nn.ModuleList([ResBlock(WIDTH)])

    def forward(self, f4):
        x = self.down(f4)
        for block in self.blocks:
            x = block(x)
        return x


# ---- token bodies (vit-s, mamba-s) ------------------------------------------------------------

def sincos_2d(h, w, d):
    """Fixed MAE positions (L, d): first d/2 channels the row, last d/2 the column; within each
    half d/4 sines then d/4 cosines, ω_i = 1/10000^(i/(d/4))."""
    quarter = d // 4
    omega = 1.0 / (10000 ** (torch.arange(quarter, dtype=torch.float64) / quarter))

    def axis(pos):
        angles = pos[:, None] * omega[None]
        return torch.cat([angles.sin(), angles.cos()], 1)

    rows, cols = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64),
                                indexing="ij")
    # float64 then float32: the table is a constant, so compute it as exactly as possible once
    return torch.cat([axis(rows.flatten()), axis(cols.flatten())], 1).float()


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        B, L, D = x.shape
        # qkv channels are [q | k | v], each split into heads of D/heads
        q, k, v = self.qkv(x).view(B, L, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D // self.heads), -1)
        return self.proj((a @ v).transpose(1, 2).reshape(B, L, D))


class MLP(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))  # exact (erf) GELU


class ViTBlock(nn.Module):
    def __init__(self, d, heads=3, mlp_ratio=3):
        super().__init__()
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.attn = Attention(d, heads)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)
        self.mlp = MLP(d, mlp_ratio * d)

    def forward(self, x, h, w):  # h, w unused: same call shape as MambaBlock
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TokenBody(nn.Module):
    """f4 → 2×2 patch merge (stride 8 overall) → tokens + positions → blocks → LayerNorm → f8."""

    def __init__(self, blocks):
        super().__init__()
        self.merge = nn.Conv2d(64, WIDTH, 2, 2, 0, bias=True)
        self.blocks = nn.ModuleList(blocks)
        self.norm = nn.LayerNorm(WIDTH, eps=1e-5)

    def forward(self, f4):
        t = self.merge(f4)
        B, D, h, w = t.shape
        t = t.flatten(2).transpose(1, 2) + sincos_2d(h, w, D).to(t.dtype)
        for block in self.blocks:
            t = block(t, h, w)
        return self.norm(t).transpose(1, 2).reshape(B, D, h, w)


def make_body(backbone, scan):
    if backbone == "cnn-s":
        return CNNBody()
    if backbone == "vit-s":
        return TokenBody([ViTBlock(WIDTH) for _ in range(3)])
    if backbone == "mamba-s":
        return TokenBody([MambaBlock(WIDTH, scan) for _ in range(4)])
    raise ValueError(f"backbone {backbone!r}: expected one of {', '.join(BACKBONES)}")


class Encoder(nn.Module):
    """image → [(f2, 2, 32), (f4, 4, 64), (f8, 8, 192)]"""

    def __init__(self, backbone, scan="bi", cond_dim=0):
        super().__init__()
        self.stem = Stem(cond_dim)
        self.body = make_body(backbone, scan)

    def forward(self, x, cond=None):
        f2, f4 = self.stem(x, cond)
        return [(f2, 2, 32), (f4, 4, 64), (self.body(f4), 8, WIDTH)]


# ---- decoder ----------------------------------------------------------------------------------

class DecoderStage(nn.Module):
    """up ×2 (nearest), cat skip, conv3×3, GroupNorm, optional FiLM, SiLU"""

    def __init__(self, cin, cout, cond_dim):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, 1, 1, bias=False)
        self.norm = nn.GroupNorm(8, cout, eps=1e-5)
        if cond_dim > 0:
            self.film = nn.Linear(cond_dim, 2 * cout)

    def forward(self, x, skip, cond):
        x = F.interpolate(x, scale_factor=2, mode="nearest")
        if skip is not None:
            x = torch.cat([x, skip], 1)
        h = self.norm(self.conv(x))
        if cond is not None:
            h = film(h, self.film, cond)
        return F.silu(h)


class Decoder(nn.Module):
    def __init__(self, out_channels=1, cond_dim=0):
        super().__init__()
        self.cond_dim = cond_dim
        self.stages = nn.ModuleList([DecoderStage(WIDTH + 64, 64, cond_dim), DecoderStage(64 + 32, 32, cond_dim),
                                     DecoderStage(32, 32, cond_dim)])
        self.out = nn.Conv2d(32, out_channels, 1, bias=True)

    def forward(self, features, cond=None):
        (f2, _, _), (f4, _, _), (f8, _, _) = features
        x = f8
        for stage, skip in zip(self.stages, [f4, f2, None]):
            x = stage(x, skip, cond)
        return self.out(x)


class EncoderDecoder(nn.Module):
    """encoder + U-Net decoder: [B, 1, H, W] (H, W multiples of 8) → [B, out_channels, H, W].
    scan ("bi" | "cross4") only matters for mamba-s."""

    def __init__(self, backbone, out_channels=1, cond_dim=0, scan="bi"):
        super().__init__()
        self.backbone, self.scan, self.cond_dim = backbone, scan, cond_dim
        self.encoder = Encoder(backbone, scan, cond_dim)
        self.decoder = Decoder(out_channels, cond_dim)
        if out_channels == 1 and cond_dim == 0 and (scan == "bi" or backbone != "mamba-s"):
            n = count_parameters(self)
            assert n == PARAM_COUNTS[backbone], f"{backbone}: {n} parameters, SPEC.md says {PARAM_COUNTS[backbone]}"

    def forward(self, x, cond=None):
        if (cond is None) != (self.cond_dim == 0):
            raise ValueError(f"cond_dim is {self.cond_dim}: conditioning vector {'missing' if cond is None else 'unexpected'}")
        if x.shape[-1] % 8 or x.shape[-2] % 8:
            raise ValueError(f"input {list(x.shape)}: H and W must be multiples of 8")
        return self.decoder(self.encoder(x, cond), cond)

    def embed(self, x):
        """image-level embedding: global average of f8, [B, 192]"""
        return self.encoder(x)[-1][0].mean((2, 3))
