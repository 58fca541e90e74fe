"""Positions: learned or sinusoidal position vectors, and a GPT's token + position input layer.

``PositionalEmbedding`` is either learned (a second embedding table indexed by position, GPT-2's
``wpe``) or the fixed sinusoidal table of "Attention Is All You Need";
``TokenAndPositionEmbedding`` adds token rows and position rows as a GPT's input layer does.

Deliberately left out: rotary and ALiBi position schemes (they act inside attention, not on the input).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from ..errors import InvalidArgumentError
from .embedding import Embedding, _check_ids


def sinusoidal_table(context_length: int, dim: int, base: float = 10_000.0) -> np.ndarray:
    """``PE[pos, 2i] = sin(pos / base^(2i/dim))``, ``PE[pos, 2i+1] = cos(...)``: shape (T, C).

    >>> [[round(float(x), 4) for x in row] for row in sinusoidal_table(2, 4)]
    [[0.0, 1.0, 0.0, 1.0], [0.8415, 0.5403, 0.01, 0.9999]]
    """
    if context_length < 1 or dim < 1:
        raise InvalidArgumentError("context_length and dim must be >= 1")
    positions = np.arange(context_length, dtype=np.float64)[:, None]  # (T, 1)
    rates = base ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)  # (ceil(C/2),)
    angles = positions * rates  # (T, ceil(C/2))
    table = np.empty((context_length, dim), dtype=np.float64)
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles[:, : dim // 2])
    return table.astype(np.float32)


class PositionalEmbedding:
    """Position vectors for positions ``0..context_length-1``: learned (a trainable table, like
    GPT-2's ``wpe``) or ``"sinusoidal"`` (fixed, no parameters)."""

    def __init__(self, context_length: int, dim: int, kind: Literal["learned", "sinusoidal"] = "learned", *,
                 seed: int | None = None):
        if kind == "learned":
            self.table = Embedding(context_length, dim, seed=seed)
        elif kind == "sinusoidal":
            self.table = None
            self._fixed = sinusoidal_table(context_length, dim)
        else:
            raise InvalidArgumentError(f"unknown positional embedding kind {kind!r}; use 'learned' or 'sinusoidal'")
        self.kind = kind
        self.context_length = context_length
        self.dim = dim

    @property
    def weight(self) -> np.ndarray:
        """The ``(context_length, dim)`` table."""
        return self.table.weight if self.table is not None else self._fixed

    def __call__(self, positions: np.ndarray | int | list) -> np.ndarray:
        if self.table is not None:
            return self.table(_check_ids(positions, self.context_length, "position"))
        return np.take(self._fixed, _check_ids(positions, self.context_length, "position"), axis=0)


class TokenAndPositionEmbedding:
    """A GPT's input layer: ``token_emb(ids) + pos_emb(arange(T))`` for ids of shape (B, T)."""

    def __init__(self, vocab_size: int, context_length: int, dim: int, *,
                 positions: Literal["learned", "sinusoidal"] = "learned", seed: int | None = None):
        self.tokens = Embedding(vocab_size, dim, seed=seed)
        self.positions = PositionalEmbedding(context_length, dim, positions,
                                             seed=None if seed is None else seed + 1)

    def __call__(self, ids: np.ndarray | list) -> np.ndarray:
        ids = np.asarray(ids)
        if ids.ndim != 2:
            raise InvalidArgumentError(f"ids must have shape (batch, seq), got {ids.shape}")
        seq = ids.shape[1]
        if seq > self.positions.context_length:
            raise InvalidArgumentError(f"sequence length {seq} exceeds the context length "
                                       f"{self.positions.context_length}; truncate or use a longer context")
        tok = self.tokens(ids)  # (B, T, C)
        pos = self.positions(np.arange(seq))  # (T, C)
        return tok + pos[None, :, :]  # (B, T, C)
