"""Edited copies of a vector set: ``with_vectors`` (add or replace rows) and ``concat`` (two sets, one dim).

Both return a new ``Vectors`` and leave their inputs untouched (gensim's ``add_vectors`` mutates).
New tokens are appended after the existing rows, in the order given; a replaced token keeps its row
number. The result's matrix is float32 (whatever the input's storage), its norms are recomputed,
and counts, source, metadata, tokenizer and the lower-case fallback are kept (new tokens count 0).

Deliberately left out: deleting rows (``Vectors.select`` keeps the rows you name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from .matrix import check_tokens


def with_vectors(v: Any, tokens: Sequence[str], rows: np.ndarray, *, replace: bool = True) -> Any:
    """A copy of ``v`` with ``rows`` (``(len(tokens), dim)``) for ``tokens``: new ones appended, known ones
    replaced (``replace=False`` keeps the existing rows, as gensim's ``add_vectors`` does by default).

    >>> from tokvec import Vectors
    >>> v = Vectors(["a", "b"], np.eye(2, dtype=np.float32))
    >>> w = with_vectors(v, ["b", "c"], np.array([[5, 5], [7, 7]]))
    >>> w.tokens, w.matrix.tolist(), v.matrix.tolist()
    (['a', 'b', 'c'], [[1.0, 0.0], [5.0, 5.0], [7.0, 7.0]], [[1.0, 0.0], [0.0, 1.0]])
    """
    tokens = check_tokens(tokens)
    rows = np.asarray(rows, dtype=np.float32)
    if rows.ndim == 1 and len(tokens) == 1:
        rows = rows[None, :]
    if rows.ndim != 2 or rows.shape[0] != len(tokens) or rows.shape[1] != v.dim:
        raise InvalidArgumentError(f"rows must have shape ({len(tokens)}, {v.dim}) (one row of the vectors' dim per "
                                   f"token), got {rows.shape}")
    known = np.array([v.vocab.get(t, -1) for t in tokens], dtype=np.int64)
    new = known < 0
    matrix = np.concatenate([np.asarray(v.matrix, dtype=np.float32), rows[new]])
    if replace and (~new).any():
        matrix[known[~new]] = rows[~new]
    added = [t for t, is_new in zip(tokens, new.tolist()) if is_new]
    counts = None if v.counts is None else np.concatenate([v.counts, np.zeros(len(added), v.counts.dtype)])
    return type(v)(v.tokens + added, matrix, counts=counts, source=v.source, metadata=v.metadata,
                   tokenizer=v.tokenizer, check_duplicates=False, lower=v.lower)


def concat(first: Any, second: Any, *, replace: bool = False) -> Any:
    """``first``'s rows then ``second``'s new tokens; a token in both keeps ``first``'s row unless ``replace``.

    Counts are kept when both sets have them (a shared token keeps ``first``'s count).
    """
    if first.dim != second.dim:
        raise InvalidArgumentError(f"cannot concatenate vectors of dim {first.dim} and {second.dim}; both sets must "
                                   "have the same dim (reduce one first, e.g. with PCA)")
    merged = with_vectors(first, second.tokens, np.asarray(second.matrix, dtype=np.float32), replace=replace)
    if first.counts is not None and second.counts is not None:
        counts = merged.counts.copy()
        counts[len(first):] = second.counts[[second.vocab.index(t) for t in merged.tokens[len(first):]]]
        merged = type(first)(merged.tokens, merged.matrix, counts=counts, source=merged.source,
                             metadata=merged.metadata, tokenizer=merged.tokenizer, check_duplicates=False,
                             lower=merged.lower)
    elif first.counts is not None:
        merged = type(first)(merged.tokens, merged.matrix, source=merged.source, metadata=merged.metadata,
                             tokenizer=merged.tokenizer, check_duplicates=False, lower=merged.lower)
    return merged


def with_counts(v: Any, counts: Sequence[int] | np.ndarray | None) -> Any:
    """The same rows (not copied) with these token counts (one per row; None drops them)."""
    if counts is not None and len(counts) != len(v):
        raise InvalidArgumentError(f"{len(counts):,} counts for {len(v):,} tokens; give one count per row")
    return type(v)(v.tokens, v.matrix, counts=counts, source=v.source, metadata=v.metadata, tokenizer=v.tokenizer,
                   check_duplicates=False, lower=v.lower, scan_copy=v.compact)
