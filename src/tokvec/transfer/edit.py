"""Edited copies of a vector set: ``with_vectors`` (add or replace rows), ``concat`` (two sets, one dim),
``normalised`` (unit rows), ``vectors_for_all`` (the rows of a list of words).

Each returns a new ``Vectors`` and leaves its input untouched (gensim's ``add_vectors`` and
``unit_normalize_all`` mutate). New tokens are appended after the existing rows, in the order given; a
replaced token keeps its row number. The result's matrix is float32 (whatever the input's storage), its
norms are recomputed, and counts, source, metadata, tokenizer, the lower-case fallback and fastText
``subwords`` are kept (new tokens count 0).

Deliberately left out: deleting rows (``Vectors.select`` keeps the rows you name).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from ..search.exact import DEFAULT_CHUNK_BYTES
from ..search.queries import has_vector
from ..vocab.subwords import carry
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
    return carry(v, type(v)(v.tokens + added, matrix, counts=counts, source=v.source, metadata=v.metadata,
                            tokenizer=v.tokenizer, check_duplicates=False, lower=v.lower))


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
        merged = carry(first, type(first)(merged.tokens, merged.matrix, counts=counts, source=merged.source,
                                          metadata=merged.metadata, tokenizer=merged.tokenizer,
                                          check_duplicates=False, lower=merged.lower))
    elif first.counts is not None:
        merged = carry(first, type(first)(merged.tokens, merged.matrix, source=merged.source,
                                          metadata=merged.metadata, tokenizer=merged.tokenizer,
                                          check_duplicates=False, lower=merged.lower))
    return merged


def with_counts(v: Any, counts: Sequence[int] | np.ndarray | None) -> Any:
    """The same rows (not copied) with these token counts (one per row; None drops them)."""
    if counts is not None and len(counts) != len(v):
        raise InvalidArgumentError(f"{len(counts):,} counts for {len(v):,} tokens; give one count per row")
    return carry(v, type(v)(v.tokens, v.matrix, counts=counts, source=v.source, metadata=v.metadata,
                            tokenizer=v.tokenizer, check_duplicates=False, lower=v.lower, scan_copy=v.compact))


def normed_matrix(v: Any) -> np.ndarray:
    """Every row scaled to unit length, float32 ``(n, dim)`` (gensim's ``get_normed_vectors``; a zero row stays
    zero), computed chunk by chunk from any storage."""
    out = np.empty((len(v), v.dim), np.float32)
    step = max(1, DEFAULT_CHUNK_BYTES // (4 * max(1, v.dim)))
    norms = v.norms
    for start in range(0, len(v), step):
        block = np.asarray(v.matrix[start : start + step], dtype=np.float32)  # (rows, dim)
        scale = norms[start : start + step, None]
        np.divide(block, scale, out=out[start : start + step], where=scale > 0)
        out[start : start + step][norms[start : start + step] == 0] = 0
    return out


def normalised(v: Any) -> Any:
    """A copy with unit rows (gensim's ``unit_normalize_all``, which scales its own rows in place); counts,
    metadata and fastText ``subwords`` (not normalised, as in gensim) are kept."""
    matrix = normed_matrix(v)
    return carry(v, type(v)(v.vocab, matrix, norms=(v.norms > 0).astype(np.float32), source=v.source,
                            metadata=v.metadata, tokenizer=v.tokenizer, check_duplicates=False, lower=v.lower))


def vectors_for_all(v: Any, words: Sequence[str], *, allow_inference: bool = True, copy_counts: bool = False) -> Any:
    """A new ``Vectors`` of ``words`` (first occurrences, in order) that ``v`` has a vector for, gensim's
    ``vectors_for_all``: with ``allow_inference`` every word ``v[word]`` answers (fastText n-grams, lower-case
    fallback, pieces), else only tokens. ``copy_counts`` keeps the counts (0 for a word not a token).

    >>> from tokvec import Vectors
    >>> v = Vectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[5, 3])
    >>> w = vectors_for_all(v, ["b", "zz", "b", "a"], copy_counts=True)
    >>> w.tokens, w.counts.tolist()
    (['b', 'a'], [3, 5])
    """
    if isinstance(words, str):
        raise InvalidArgumentError("vectors_for_all takes a list of words; split a text first (text.split())")
    tokens = [w for w in dict.fromkeys(words) if (has_vector(v, w) if allow_inference else w in v.vocab)]
    rows = np.stack([v.vector(w) for w in tokens]) if tokens else np.zeros((0, v.dim), np.float32)
    counts = None
    if copy_counts and v.counts is not None:
        counts = [int(v.counts[v.vocab.index(w)]) if w in v.vocab else 0 for w in tokens]
    return type(v)(tokens, rows, counts=counts, source=v.source, metadata=v.metadata, check_duplicates=False)
