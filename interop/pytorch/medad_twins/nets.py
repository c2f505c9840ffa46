"""The zoo v2 networks of SPEC.md: shared conv stem, per-backbone body (cnn / vit / mamba), and a
U-Net decoder with a skip at every scale and optional FiLM conditioning, on images (dims 2) or, for
the `*3d-s` backbones, on volumes (dims 3) with the same design in three axes.

Module attribute names are the SPEC's parameter-name segments, so `named_parameters()` yields the
names medad uses and a state dict is directly a medad weights file.
"""
import functools
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .mamba import MambaBlock

WIDTH = 192          # channels of the token bodies (and of cnn-s's f8)
# backbone → (body, spatial dims)
KINDS = {"cnn-s": ("cnn", 2), "vit-s": ("vit", 2), "vit-mixffn-s": ("vit-mixffn", 2),
         "vit-nat-s": ("vit-nat", 2), "vit-nat3-s": ("vit-nat3", 2),
         "vit-glu-s": ("vit-glu", 2), "vit-convglu-s": ("vit-convglu", 2), "vit-sig3-s": ("vit-sig3", 2), "vit-hybrid-s": ("vit-hybrid", 2),
         "mambaout-s": ("mambaout", 2), "mamba-s": ("mamba", 2),
         "cnn3d-s": ("cnn", 3), "vit3d-s": ("vit", 3), "mamba3d-s": ("mamba", 3)}
BACKBONES = tuple(KINDS)
# SPEC.md's counts (out_channels 1, no conditioning, scan bi); checked on every construction
PARAM_COUNTS = {"cnn-s": 1_369_921, "vit-s": 1_412_353, "vit-mixffn-s": 1_429_633, "vit-nat-s": 1_412_353,
                "vit-nat3-s": 1_412_353, "vit-glu-s": 1_412_929, "vit-convglu-s": 1_424_449, "vit-sig3-s": 1_412_353, "vit-hybrid-s": 1_447_873,
                "mambaout-s": 1_431_361, "mamba-s": 1_428_481,
                "cnn3d-s": 1_483_249, "vit3d-s": 1_432_897, "mamba3d-s": 1_449_025}
CONV = {2: nn.Conv2d, 3: nn.Conv3d}
# cnn body width by dims: with 27-tap kernels a 192-wide 3D body would be nearly three times the
# token bodies' size (medad's Backbone.cnn3dS)
CNN_WIDTH = {2: 192, 3: 120}


# neighbourhood attention's window side by body
NAT_WINDOWS = {"vit-nat": 7, "vit-nat3": 3, "vit-sig3": 3}

# medad's `Backbone.defaults`: the scan a backbone gets when none is asked for
DEFAULT_SCANS = {"mamba-s": "cross4"}


def default_scan(backbone):
    return DEFAULT_SCANS.get(backbone, "bi")


def kind(backbone, scan="bi"):
    """(body, dims) of a backbone, refusing unknown names and cross4 on volumes (it orders a 2D grid)"""
    if backbone not in KINDS:
        raise ValueError(f"backbone {backbone!r}: expected one of {', '.join(BACKBONES)}")
    if scan not in ("bi", "cross4"):
        raise ValueError(f"scan {scan!r}: expected bi or cross4")
    body, dims = KINDS[backbone]
    if dims == 3 and scan == "cross4":
        raise ValueError(f"backbone {backbone}: scan cross4 orders a 2D token grid; volumetric backbones scan bi")
    return body, dims


def stem_widths(dims):
    """channels of f2 and f4: halved in 3D, where the stride-2 and stride-4 maps hold most of a
    volume's voxels and every one costs 27 taps (medad's ConvStem.levels(dims:))"""
    return (16, 32) if dims == 3 else (32, 64)


def count_parameters(module):
    return sum(p.numel() for p in module.parameters())


class ConvNorm(nn.Module):
    """Conv (2D or 3D; padding k//2, no bias) then GroupNorm(8, eps 1e-5); no activation (callers apply SiLU)."""

    def __init__(self, cin, cout, k, stride=1, dims=2):
        super().__init__()
        self.conv = CONV[dims](cin, cout, k, stride, k // 2, bias=False)
        self.norm = nn.GroupNorm(8, cout, eps=1e-5)

    def forward(self, x):
        return self.norm(self.conv(x))


def film(h, linear, cond):
    """h · (1 + scale) + shift per sample and channel; linear(cond) holds scale then shift."""
    scale, shift = linear(cond).chunk(2, 1)
    per_channel = (*scale.shape, *(1,) * (h.dim() - 2))  # broadcast over every spatial axis
    return h * (1 + scale.reshape(per_channel)) + shift.reshape(per_channel)


class StemStage(nn.Module):
    """ConvNorm stride 2, SiLU, ConvNorm, SiLU; with cond_dim > 0 each norm is followed by its FiLM."""

    def __init__(self, cin, cout, cond_dim=0, dims=2):
        super().__init__()
        self.down = ConvNorm(cin, cout, 3, 2, dims)
        self.conv = ConvNorm(cout, cout, 3, 1, dims)
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
    """image → f2 [B, 32, H/2, W/2], f4 [B, 64, H/4, W/4] (volume → [B, 16, D/2, …], [B, 32, D/4, …]);
    the same design in every backbone."""

    def __init__(self, cond_dim=0, dims=2):
        super().__init__()
        c2, c4 = stem_widths(dims)
        self.stages = nn.ModuleList([StemStage(1, c2, cond_dim, dims), StemStage(c2, c4, cond_dim, dims)])

    def forward(self, x, cond=None):
        f2 = self.stages[0](x, cond)
        return f2, self.stages[1](f2, cond)


# ---- cnn-s body -------------------------------------------------------------------------------

class DownStage(nn.Module):
    """cnn-s's first stage, f4 to cout channels at stride 8: SiLU(conv2(SiLU(conv1(x))) + skip(x));
    vit-hybrid-s makes its tokens with the same stage"""

    def __init__(self, cout, dims):
        super().__init__()
        cin = stem_widths(dims)[1]
        self.conv1 = ConvNorm(cin, cout, 3, 2, dims)
        self.conv2 = ConvNorm(cout, cout, 3, 1, dims)
        self.skip = ConvNorm(cin, cout, 1, 2, dims)

    def forward(self, x):
        return F.silu(self.conv2(F.silu(self.conv1(x))) + self.skip(x))


class ResBlock(nn.Module):
    """identity residual block: SiLU(conv2(SiLU(conv1(x))) + x)"""

    def __init__(self, c, dims):
        super().__init__()
        self.conv1 = ConvNorm(c, c, 3, 1, dims)
        self.conv2 = ConvNorm(c, c, 3, 1, dims)

    def forward(self, x):
        return F.silu(self.conv2(F.silu(self.conv1(x))) + x)


class CNNBody(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.width = CNN_WIDTH[dims]
        self.down = DownStage(self.width, dims)
        self.blocks = nn.ModuleList([ResBlock(self.width, dims)])

    def forward(self, f4):
        x = self.down(f4)
        for block in self.blocks:
            x = block(x)
        return x


# ---- token bodies (vit-s, mamba-s) ------------------------------------------------------------

def sincos(grid, d):
    """Fixed MAE positions (L, d) for a token grid of sides `grid` (outermost first) in raster order:
    one part of P = d/len(grid) channels per axis, in the grid's order (row, column; depth, row,
    column), each P/2 sines then P/2 cosines of that axis' coordinate, ω_i = 1/10000^(i/(P/2))."""
    if d % (2 * len(grid)):
        raise ValueError(f"sine-cosine positions over {len(grid)} axes need d divisible by {2 * len(grid)}, got {d}")
    half = d // (2 * len(grid))
    omega = 1.0 / (10000 ** (torch.arange(half, dtype=torch.float64) / half))
    coordinates = torch.meshgrid(*[torch.arange(n, dtype=torch.float64) for n in grid], indexing="ij")
    parts = []
    for axis in coordinates:
        angles = axis.flatten()[:, None] * omega[None]
        parts += [angles.sin(), angles.cos()]
    # float64 then float32: the table is a constant, so compute it as exactly as possible once
    return torch.cat(parts, 1).float()


def neighbourhood_extent(side, window):
    """the keys a query sees along one axis: a side no longer than the window is seen whole"""
    return min(window, side)


@functools.lru_cache(maxsize=None)
def neighbourhood_mask(grid, window):
    """(L, L) additive mask over a grid's tokens (a tuple of sides) in raster order: 0 where the key
    lies in the query's NAT neighbourhood (window keys a side, shifted inward at the borders), -inf
    elsewhere. Cached: every block of every step asks for the same one."""
    def starts(side):
        return torch.tensor([min(max(c - window // 2, 0), side - neighbourhood_extent(side, window)) for c in range(side)])
    coordinates = [axis.flatten() for axis in torch.meshgrid(*[torch.arange(n) for n in grid], indexing="ij")]
    inside = torch.ones(len(coordinates[0]), len(coordinates[0]), dtype=torch.bool)
    for axis, side in zip(coordinates, grid):
        start = starts(side)[axis][:, None]
        inside &= (axis[None, :] >= start) & (axis[None, :] < start + neighbourhood_extent(side, window))
    return torch.zeros(inside.shape).masked_fill(~inside, float("-inf"))


class Attention(nn.Module):
    """multi-head self-attention; with window, over each token's neighbourhood only (vit-nat-s); with
    sigmoid, each key weighted σ(score − log n) alone for a query's n keys (vit-sig3-s)"""

    def __init__(self, d, heads, window=None, sigmoid=False):
        super().__init__()
        self.heads = heads
        self.window = window
        self.sigmoid = sigmoid
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x, grid):
        B, L, D = x.shape
        # qkv channels are [q | k | v], each split into heads of D/heads
        q, k, v = self.qkv(x).view(B, L, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // self.heads)
        if self.window is not None:
            scores = scores + neighbourhood_mask(tuple(grid), self.window).to(scores.dtype)
        if self.sigmoid:
            keys = math.prod(neighbourhood_extent(side, self.window) for side in grid) if self.window is not None else L
            a = torch.sigmoid(scores - math.log(keys))
        else:
            a = torch.softmax(scores, -1)
        return self.proj((a @ v).transpose(1, 2).reshape(B, L, D))


class MLP(nn.Module):
    """fc1 → GELU → fc2; with local_mixing, SegFormer's Mix-FFN: a depthwise 3×3 conv over the
    token grid after fc1 (vit-mixffn-s); with gated, SwiGLU: fc1 gives [value | gate] of hidden
    channels each and fc2 reads value · SiLU(gate) (vit-glu-s); with both, Mamba's gated
    convolution: fc2 reads SiLU(dwconv(value)) · SiLU(gate) (vit-convglu-s)"""

    def __init__(self, d, hidden, local_mixing=False, gated=False):
        super().__init__()
        self.gated = gated
        self.fc1 = nn.Linear(d, 2 * hidden if gated else hidden)
        self.dwconv = nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden) if local_mixing else None
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x, grid):
        h = self.fc1(x)
        if self.gated:
            value, gate = h.chunk(2, -1)
            if self.dwconv is not None:
                value = F.silu(self.grid_conv(value, grid))
            return self.fc2(value * F.silu(gate))
        if self.dwconv is not None:
            h = self.grid_conv(h, grid)
        return self.fc2(F.gelu(h))  # exact (erf) GELU

    def grid_conv(self, h, grid):
        B, L, C = h.shape
        return self.dwconv(h.transpose(1, 2).reshape(B, C, *grid)).flatten(2).transpose(1, 2)


class ViTBlock(nn.Module):
    def __init__(self, d, heads=3, mlp_ratio=3, local_mixing=False, window=None, gated=False, sigmoid=False):
        super().__init__()
        self.norm1 = nn.LayerNorm(d, eps=1e-5)
        self.attn = Attention(d, heads, window, sigmoid)
        self.norm2 = nn.LayerNorm(d, eps=1e-5)
        # SwiGLU's three matrices at 2/3 of the hidden width hold the GELU MLP's parameters
        self.mlp = MLP(d, 2 * mlp_ratio * d // 3 if gated else mlp_ratio * d, local_mixing, gated)

    def forward(self, x, grid):
        x = x + self.attn(self.norm1(x), grid)
        return x + self.mlp(self.norm2(x), grid)


class GatedCNNBlock(nn.Module):
    """MambaOut's Gated CNN block: x + mlp(norm(x)) with vit-convglu-s's MLP, no attention"""

    def __init__(self, d, hidden):
        super().__init__()
        self.norm = nn.LayerNorm(d, eps=1e-5)
        self.mlp = MLP(d, hidden, local_mixing=True, gated=True)

    def forward(self, x, grid):
        return x + self.mlp(self.norm(x), grid)


class TokenBody(nn.Module):
    """f4 → 2×2 (2×2×2) patch merge, or the given merge (stride 8 overall) → tokens in raster order
    + positions → blocks → LayerNorm → f8."""

    def __init__(self, blocks, dims, merge=None):
        super().__init__()
        self.width = WIDTH
        self.merge = merge if merge is not None else CONV[dims](stem_widths(dims)[1], WIDTH, 2, 2, 0, bias=True)
        self.blocks = nn.ModuleList(blocks)
        self.norm = nn.LayerNorm(WIDTH, eps=1e-5)

    def forward(self, f4):
        t = self.merge(f4)
        B, D, *grid = t.shape
        t = t.flatten(2).transpose(1, 2) + sincos(grid, D).to(t.dtype)
        for block in self.blocks:
            t = block(t, grid)
        return self.norm(t).transpose(1, 2).reshape(B, D, *grid)


def make_body(backbone, scan="bi"):
    body, dims = kind(backbone, scan)
    if body == "cnn":
        return CNNBody(dims)
    if body in ("vit", "vit-mixffn", "vit-glu", "vit-convglu", *NAT_WINDOWS):
        return TokenBody([ViTBlock(WIDTH, local_mixing=body in ("vit-mixffn", "vit-convglu"), window=NAT_WINDOWS.get(body),
                                   gated=body in ("vit-glu", "vit-convglu"), sigmoid=body == "vit-sig3") for _ in range(3)], dims)
    if body == "vit-hybrid":  # TransUNet's hybrid: cnn-s's residual stage, then 2 of vit-s's blocks
        return TokenBody([ViTBlock(WIDTH) for _ in range(2)], dims, merge=DownStage(WIDTH, dims))
    if body == "mambaout":  # 5 blocks: without attention's parameters, matched in size to vit-s
        return TokenBody([GatedCNNBlock(WIDTH, 2 * WIDTH) for _ in range(5)], dims)
    # cross4 keeps four directions' scan parameters a block: 3 blocks keep the net within the zoo's ±15%
    return TokenBody([MambaBlock(WIDTH, scan) for _ in range(3 if scan == "cross4" else 4)], dims)


class Encoder(nn.Module):
    """image → [(f2, 2, 32), (f4, 4, 64), (f8, 8, 192)]; volume → [(f2, 2, 16), (f4, 4, 32), (f8, 8, width)]
    with width 120 for cnn3d-s and 192 for the token bodies"""

    def __init__(self, backbone, scan="bi", cond_dim=0):
        super().__init__()
        self.dims = kind(backbone, scan)[1]
        self.stem = Stem(cond_dim, self.dims)
        self.body = make_body(backbone, scan)
        self.levels = list(zip((2, 4, 8), (*stem_widths(self.dims), self.body.width)))

    def forward(self, x, cond=None):
        f2, f4 = self.stem(x, cond)
        return [(f, stride, channels) for f, (stride, channels) in zip((f2, f4, self.body(f4)), self.levels)]


# ---- decoder ----------------------------------------------------------------------------------

class DecoderStage(nn.Module):
    """up ×2 (nearest), cat skip, conv3×3, GroupNorm, optional FiLM, SiLU"""

    def __init__(self, cin, cout, cond_dim, dims):
        super().__init__()
        self.conv = CONV[dims](cin, cout, 3, 1, 1, bias=False)
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
    """`levels` [(2, c2), (4, c4), (8, c8)]: the encoder's; each stage ends at the width of the level it
    reaches (the last, with no skip, at c2)"""

    def __init__(self, levels, out_channels=1, cond_dim=0, dims=2):
        super().__init__()
        self.cond_dim = cond_dim
        (_, c2), (_, c4), (_, c8) = levels
        self.stages = nn.ModuleList([DecoderStage(c8 + c4, c4, cond_dim, dims), DecoderStage(c4 + c2, c2, cond_dim, dims),
                                     DecoderStage(c2, c2, cond_dim, dims)])
        self.out = CONV[dims](c2, out_channels, 1, bias=True)

    def forward(self, features, cond=None):
        (f2, _, _), (f4, _, _), (f8, _, _) = features
        x = f8
        for stage, skip in zip(self.stages, [f4, f2, None]):
            x = stage(x, skip, cond)
        return self.out(x)


class EncoderDecoder(nn.Module):
    """encoder + U-Net decoder: [B, 1, H, W] → [B, out_channels, H, W], or for a 3D backbone
    [B, 1, D, H, W] → [B, out_channels, D, H, W]; every side a multiple of 8.
    scan ("bi" | "cross4", None: the backbone's default) only matters for the mamba bodies; cross4 is
    2D only."""

    def __init__(self, backbone, out_channels=1, cond_dim=0, scan=None):
        super().__init__()
        scan = scan or default_scan(backbone)
        self.backbone, self.scan, self.cond_dim = backbone, scan, cond_dim
        self.encoder = Encoder(backbone, scan, cond_dim)
        self.dims = self.encoder.dims
        self.decoder = Decoder(self.encoder.levels, out_channels, cond_dim, self.dims)
        if out_channels == 1 and cond_dim == 0 and (scan == "bi" or kind(backbone)[0] != "mamba"):
            n = count_parameters(self)
            assert n == PARAM_COUNTS[backbone], f"{backbone}: {n} parameters, SPEC.md says {PARAM_COUNTS[backbone]}"

    def forward(self, x, cond=None):
        if (cond is None) != (self.cond_dim == 0):
            raise ValueError(f"cond_dim is {self.cond_dim}: conditioning vector {'missing' if cond is None else 'unexpected'}")
        if x.dim() != self.dims + 2 or x.shape[1] != 1 or any(side % 8 for side in x.shape[2:]):
            layout = "[B, 1, D, H, W]" if self.dims == 3 else "[B, 1, H, W]"
            raise ValueError(f"input {list(x.shape)}: {self.backbone} takes {layout}, every side a multiple of 8")
        return self.decoder(self.encoder(x, cond), cond)

    def embed(self, x):
        """image-level embedding: global average of f8, [B, width]"""
        return self.encoder(x)[-1][0].mean(tuple(range(2, 2 + self.dims)))
