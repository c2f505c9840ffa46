"""medad's training-loop semantics (SPEC.md, "Optimisation"): AdamW with its decay rule, global
gradient-norm clipping, the warm-up cosine schedule, the mse and seg losses, and a loop that runs
them over given batches.

The optimiser is written out rather than taken from torch.optim so the arithmetic the fixtures pin
down is on the page; it follows torch.optim.AdamW's order of operations (checked by selfcheck).
"""
import math

import torch
import torch.nn.functional as F

BETAS, EPS = (0.9, 0.999), 1e-8


def decays(name, p):
    """decoupled weight decay on ≥ 2-D parameters except A_log; never on 1-D ones (biases, norms, D)"""
    return p.dim() >= 2 and not name.endswith("A_log")


class AdamW:
    def __init__(self, named_parameters, weight_decay):
        self.params = [(name, p, decays(name, p)) for name, p in named_parameters]
        self.weight_decay = weight_decay
        self.m = {name: torch.zeros_like(p) for name, p, _ in self.params}
        self.v = {name: torch.zeros_like(p) for name, p, _ in self.params}
        self.t = 0

    def zero_grad(self):
        for _, p, _ in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, lr):
        self.t += 1
        b1, b2 = BETAS
        bc1, bc2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for name, p, decay in self.params:
            if p.grad is None:
                continue
            g, m, v = p.grad, self.m[name], self.v[name]
            if decay and self.weight_decay:
                p.mul_(1 - lr * self.weight_decay)           # p ← p − lr·wd·p, before the Adam step
            m.lerp_(g, 1 - b1)                               # m ← β1 m + (1 − β1) g
            v.mul_(b2).addcmul_(g, g, value=1 - b2)          # v ← β2 v + (1 − β2) g²
            denom = (v.sqrt() / math.sqrt(bc2)).add_(EPS)    # sqrt(v̂) + ε
            p.addcdiv_(m, denom, value=-lr / bc1)            # p ← p − lr·m̂/(sqrt(v̂) + ε)


@torch.no_grad()
def clip_gradients(parameters, clip):
    """Global norm sqrt(Σ g²) (summed in float64) before clipping; scales every gradient by
    min(1, clip/(norm + 1e-6)). clip ≤ 0 or None: no clipping. Returns the norm."""
    grads = [p.grad for p in parameters if p.grad is not None]
    norm = math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads))
    if clip and clip > 0:
        factor = min(1.0, clip / (norm + 1e-6))
        if factor < 1.0:
            for g in grads:
                g.mul_(factor)
    return norm


def learning_rate(s, base, warmup, total, min_lr):
    """rate for update s (0-based): linear warm-up to base, then cosine down to min_lr at `total`"""
    if s < warmup:
        return base * (s + 1) / warmup
    progress = min(1.0, (s - warmup) / max(1, total - warmup))
    return min_lr + (base - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))


def mse_loss(y, target):
    return ((y - target) ** 2).mean()


def seg_loss(logits, target, dice_weight, weight=None):
    """BCE-with-logits + dice_weight · soft Dice. BCE is the mean over all pixels, or with per-pixel
    weights w: Σ bce·w / max(1, Σ w). Dice (unweighted) = mean over samples of
    1 − (2 Σ p t + 1e-5)/(Σ p + Σ t + 1e-5), p = sigmoid(logits), sums over C, H, W."""
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    bce = bce.mean() if weight is None else (bce * weight).sum() / weight.sum().clamp(min=1)
    p = torch.sigmoid(logits)
    dims = tuple(range(1, logits.dim()))
    dice = 1 - (2 * (p * target).sum(dims) + 1e-5) / (p.sum(dims) + target.sum(dims) + 1e-5)
    return bce + dice_weight * dice.mean()


def loss_fn(kind, dice_weight=1.0):
    if kind == "mse":
        return lambda y, target, weight=None: mse_loss(y, target)
    if kind == "seg":
        return lambda y, target, weight=None: seg_loss(y, target, dice_weight, weight)
    raise ValueError(f"loss {kind!r}: expected mse or seg")


def train(model, xs, ys, steps, lr, warmup, min_lr, weight_decay, clip, loss="mse", dice_weight=1.0, ws=None):
    """`steps` updates, update s on (xs[s], ys[s]) (and per-pixel BCE weights ws[s] if given), the
    schedule's total being `steps`. Returns (losses before each update, gradient norms before clipping)."""
    if xs.shape[0] < steps:
        raise ValueError(f"{xs.shape[0]} batches for {steps} steps")
    criterion = loss_fn(loss, dice_weight)
    optimizer = AdamW(model.named_parameters(), weight_decay)
    parameters = [p for p in model.parameters()]
    losses, norms = [], []
    model.train()
    for s in range(steps):
        optimizer.zero_grad()
        value = criterion(model(xs[s]), ys[s], None if ws is None else ws[s])
        value.backward()
        losses.append(value.item())
        norms.append(clip_gradients(parameters, clip))
        optimizer.step(learning_rate(s, lr, warmup, steps, min_lr))
    return losses, norms
