"""``to_torch``: pretrained rows for your vocabulary as a ``torch.nn.Embedding``, in one call.

The rows come from ``matrix_for`` (same ``oov``, ``lower``, ``seed`` and ``specials``); ``padding_idx``
(a row number or a token) is a zero row that gets no gradient, as in torch. torch is imported on
first use through ``tokvec._plumbing.optional`` (the ``torch`` extra).

Deliberately left out: training (that is your model's job) and ``EmbeddingBag``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .._plumbing.optional import require
from ..errors import InvalidArgumentError
from ..printable import brief
from .matrix import Oov, SpecialInit, matrix_for


def padding_row(padding_idx: int | str | None, tokens: Sequence[str]) -> int | None:
    """The row number ``padding_idx`` names (an int in ``[-len, len)`` or a token), or None."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, str):
        if padding_idx not in tokens:
            raise InvalidArgumentError(f"padding_idx {brief(padding_idx)} is not one of the {len(tokens):,} tokens; "
                                       "add it to the vocabulary (e.g. specials=['<pad>', ...]) or pass its row")
        return list(tokens).index(padding_idx)
    if (not isinstance(padding_idx, int) or isinstance(padding_idx, bool)
            or not -len(tokens) <= padding_idx < len(tokens)):
        raise InvalidArgumentError(f"padding_idx {padding_idx!r} is outside the vocabulary of {len(tokens):,} tokens; "
                                   f"use a row in 0..{len(tokens) - 1} (or a negative index from the end)")
    return padding_idx % len(tokens)


def to_torch(
    v: Any,
    tokens: Sequence[str] | None = None,
    *,
    freeze: bool = True,
    padding_idx: int | str | None = None,
    oov: Oov = "random",
    lower: bool = True,
    seed: int = 0,
    specials: Mapping[str, SpecialInit] | Sequence[str] | None = None,
):
    """A ``torch.nn.Embedding`` with one row per token (``v``'s own rows, all of them, when ``tokens`` is None).

    ``freeze=True`` makes the weight a constant (``requires_grad=False``), as
    ``nn.Embedding.from_pretrained`` does. For the coverage report, call ``matrix_for`` first.
    """
    torch = require("torch", "torch", "a torch.nn.Embedding from pretrained vectors")
    if tokens is None:  # the whole set as it is: every row its own, no specials
        tokens, matrix = v.tokens, np.array(v.matrix, dtype=np.float32)
    else:
        matrix, _ = matrix_for(v, tokens, oov=oov, lower=lower, seed=seed, specials=specials)
    row = padding_row(padding_idx, tokens)
    if row is not None:
        matrix[row] = 0.0
    return torch.nn.Embedding.from_pretrained(torch.from_numpy(matrix), freeze=freeze, padding_idx=row)
