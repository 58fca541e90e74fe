"""Questions about two words or a few: cosine similarity, the two distances, rank, odd one out.

Each takes a ``Vectors`` (its methods of the same names delegate here) and reads a word as every
``Vectors`` call does: its own row, else its lower-case form (``lower=True``), else the mean of a
transformer tokenizer's pieces. A word compared with itself is exact: ``similarity(w, w) == 1.0``,
``cosine_distance(w, w) == 0.0`` and ``distance(w, w) == 0.0`` (same rows, no rounding); a
similarity is never outside [-1, 1].

Deliberately left out: neighbour searches (``Vectors.most_similar``, ``tokvec.search``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from . import exact as search
from .one_to_many import known, rank_by_centrality

Word = str | int
"""A word (resolved as ``Vectors.vector`` does) or a row id."""


def _rows(v: Any, word: Word) -> list[int]:
    if isinstance(word, str):
        return v.word_rows(word) or [word]  # [] : an unknown word built from its n-grams is only itself
    return [v.vocab.row(int(word))]


def similarity(v: Any, a: Word, b: Word) -> float:
    """Cosine similarity of two words, in [-1, 1]; exactly 1.0 for the same word (0.0 for a zero row)."""
    unit_a = v.vector(a, norm=True)
    if _rows(v, a) == _rows(v, b):
        return 1.0 if np.any(unit_a) else 0.0
    return float(np.clip(np.dot(unit_a, v.vector(b, norm=True)), -1.0, 1.0))


def cosine_distance(v: Any, a: Word, b: Word) -> float:
    """``1 - similarity(a, b)`` (what gensim calls ``distance``), exactly 0.0 for the same word."""
    return 1.0 - similarity(v, a, b)


def distance(v: Any, a: Word, b: Word) -> float:
    """Euclidean distance ``||v[a] - v[b]||`` computed in float64; exactly 0.0 for the same word."""
    if _rows(v, a) == _rows(v, b):
        return 0.0
    diff = v.vector(a).astype(np.float64) - v.vector(b).astype(np.float64)
    return float(np.linalg.norm(diff))


def odd_one_out(v: Any, words: Sequence[str]) -> str:
    """The word least similar to the unit mean of all of their unit vectors (gensim's ``doesnt_match``, the last
    of ``rank_by_centrality``). A word the vectors do not know is left out with a ``TokvecWarning``, as gensim
    does; at least two known words are needed."""
    if len(search.as_list(words)) < 2:
        raise InvalidArgumentError("odd_one_out needs at least two words")
    return rank_by_centrality(v, known(v, words, "odd_one_out", at_least=2))[-1].token


def rank(v: Any, a: Word, b: Word) -> int:
    """Rank of ``b`` among the neighbours of ``a`` (1 = nearest), the rows of ``a`` not counted.

    A ``b`` that is several pieces (or built from n-grams) is ranked by its similarity to ``a`` among the rows.
    """
    rows_a, rows_b = [r for r in _rows(v, a) if not isinstance(r, str)], _rows(v, b)
    sims = search.cosine_scores(v.matrix, v.inv_norms, v.vector(a, norm=True), len(v))  # (n,)
    dists = 1.0 - sims
    one_row = len(rows_b) == 1 and not isinstance(rows_b[0], str)
    target = dists[rows_b[0]] if one_row else np.float32(1.0) - np.float32(similarity(v, a, b))
    closer = dists < target
    closer[rows_a] = False
    return int(closer.sum()) + 1


__all__ = ["Word", "cosine_distance", "distance", "odd_one_out", "rank", "similarity"]
