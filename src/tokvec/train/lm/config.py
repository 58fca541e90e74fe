"""The tiny GPT's hyper-parameters: ``LMConfig``, a frozen dataclass that checks every field.

Every field is saved in checkpoints and snapshot metadata, so a resumed run can insist on the same
settings. Deliberately left out: anything that does not change the trained weights (output paths,
threads, device, progress), which are arguments of ``train_lm``; and torch (this module imports none).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, Literal

from .._common import is_int, require
from .data import SPECIAL_TOKENS

__all__ = ["LMConfig"]


@dataclass(frozen=True)
class LMConfig:
    """Hyper-parameters of the tiny GPT and its training; every field is saved in checkpoints.

    ``vocab_size`` is the BPE vocabulary to train (ignored when a tokenizer is given);
    ``context`` the window length in tokens; ``batch_size`` windows per process per step;
    ``positions`` ``"learned"`` or ``"sinusoidal"``; ``tie`` shares the token-embedding matrix with
    the output head; ``lr`` peaks after ``warmup`` steps and decays (cosine) to ``min_lr``;
    ``val_fraction`` of the lines are held out; ``eval_batches`` x ``batch_size`` validation windows;
    ``init_embeddings`` a vector file whose rows start the token embeddings (``warm_start``).

    >>> LMConfig(dim=64, heads=4).head_dim
    16
    """

    vocab_size: int = 4096
    context: int = 64
    dim: int = 128
    layers: int = 4
    heads: int = 4
    mlp_ratio: int = 4
    positions: Literal["learned", "sinusoidal"] = "learned"
    tie: bool = True
    dropout: float = 0.0
    batch_size: int = 32
    steps: int = 2000
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    val_fraction: float = 0.05
    eval_every: int = 250
    eval_batches: int = 16
    snapshot_every: int = 250
    checkpoint_every: int = 1000
    min_frequency: int = 2
    seed: int = 1
    init_embeddings: str | None = None

    def __post_init__(self) -> None:
        for name in ("vocab_size", "context", "dim", "layers", "heads", "mlp_ratio", "batch_size", "steps",
                     "eval_every", "eval_batches", "snapshot_every", "checkpoint_every", "min_frequency"):
            value = getattr(self, name)
            require(is_int(value) and value >= 1, f"{name} must be a positive integer, got {value!r}")
        require(self.vocab_size >= len(SPECIAL_TOKENS) + 1, f"vocab_size must be > 2, got {self.vocab_size}")
        require(self.dim % self.heads == 0, f"dim ({self.dim}) must be divisible by heads ({self.heads}); "
             f"e.g. --dim {self.heads * max(1, round(self.dim / self.heads))}")
        require(self.positions in ("learned", "sinusoidal"),
             f"positions must be 'learned' or 'sinusoidal', got {self.positions!r}")
        require(isinstance(self.tie, bool), f"tie must be True or False, got {self.tie!r}")
        require(_is_real(self.dropout) and 0 <= self.dropout < 1, f"dropout must be in [0, 1), got {self.dropout!r}")
        require(_is_real(self.lr) and 0 < self.lr < 1, f"lr must be in (0, 1), e.g. 3e-3, got {self.lr!r}")
        require(_is_real(self.min_lr) and 0 <= self.min_lr <= self.lr,
                f"min_lr must be in [0, lr], got {self.min_lr!r}")
        require(is_int(self.warmup) and 0 <= self.warmup, f"warmup must be a non-negative integer, got {self.warmup!r}")
        require(_is_real(self.weight_decay) and self.weight_decay >= 0, f"weight_decay must be >= 0, got "
             f"{self.weight_decay!r}")
        require(_is_real(self.grad_clip) and self.grad_clip >= 0, f"grad_clip must be >= 0 (0: off), got "
             f"{self.grad_clip!r}")
        require(_is_real(self.val_fraction) and 0 < self.val_fraction < 1,
             f"val_fraction must be in (0, 1), e.g. 0.05, got {self.val_fraction!r}")
        require(self.init_embeddings is None or (isinstance(self.init_embeddings, str) and self.init_embeddings != ""),
                f"init_embeddings must be a vector file path or None, got {self.init_embeddings!r}")
        require(is_int(self.seed) and 0 <= self.seed < 2**63, f"seed must be a non-negative integer, got {self.seed!r}")

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> LMConfig:
        return cls(**values)


def _is_real(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
