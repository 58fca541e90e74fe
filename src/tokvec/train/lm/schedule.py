"""The tiny GPT's optimiser and learning-rate schedule (warm-up, then cosine decay)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .config import LMConfig

if TYPE_CHECKING:
    import torch

    from .model import TinyGPT

__all__ = ["learning_rate", "make_optimizer"]


def learning_rate(config: LMConfig, step: int) -> float:
    """Linear warm-up to ``lr`` over ``warmup`` steps, then cosine decay to ``min_lr`` at ``steps``.

    >>> c = LMConfig(lr=1e-3, min_lr=1e-4, warmup=10, steps=110)
    >>> [round(learning_rate(c, s), 6) for s in (0, 9, 10, 60, 110)]
    [0.0001, 0.001, 0.001, 0.00055, 0.0001]
    """
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress = min(1.0, (step - config.warmup) / max(1, config.steps - config.warmup))
    return config.min_lr + 0.5 * (config.lr - config.min_lr) * (1.0 + math.cos(math.pi * progress))


def make_optimizer(model: TinyGPT, config: LMConfig) -> torch.optim.AdamW:
    """AdamW (betas 0.9, 0.95) with weight decay on the matrices only (not on biases and LayerNorm gains)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    import torch

    return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, 0.95), eps=1e-8)
