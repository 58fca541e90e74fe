"""One word (or vector) against many: cosine similarities and distances to many rows, the words closer than
another, the most similar of a list, relative cosine similarity, and a set ranked by centrality.

The rest of gensim's ``KeyedVectors`` questions, with its semantics: ``cosine_similarities`` and
``distances`` compute as gensim does (raw rows, ``dot / (norm * norms)`` in the rows' float32), so
``closer_than`` lists the same words in row order; ``relative_cosine_similarity`` is Leeuwenberg et al.'s
``cos(a, b) / sum of a's topn neighbour scores``; ``rank_by_centrality`` ranks words by cosine with the
unit mean of their unit vectors (gensim's, behind ``doesnt_match``). One deliberate difference: a zero
vector scores 0, not NaN; and ``rank_by_centrality`` returns ``Neighbour`` (word, score) pairs, as every
tokvec ranking, where gensim gives (score, word).

Deliberately left out: neighbour searches (``exact``, ``bounded``), pairs of words (``pairs``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError, TokvecWarning
from ..printable import brief
from .exact import DEFAULT_CHUNK_BYTES, as_list
from .neighbour import Neighbour
from .queries import has_vector


def cosine_similarities(vector: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Cosine of ``vector`` (dim,) with each row of ``vectors`` (n, dim): shape (n,), in their dtype (gensim's
    static ``KeyedVectors.cosine_similarities``); a zero vector or row scores 0.

    >>> cosine_similarities(np.array([1.0, 0.0]), np.array([[2.0, 0.0], [1.0, 1.0], [0.0, 0.0]])).round(4).tolist()
    [1.0, 0.7071, 0.0]
    """
    vector, vectors = np.asarray(vector), np.asarray(vectors)
    if vector.ndim != 1 or vectors.ndim != 2 or vectors.shape[1] != vector.shape[0]:
        raise InvalidArgumentError(f"cosine_similarities takes a vector (dim,) and rows (n, dim), got {vector.shape} "
                                   f"and {vectors.shape}")
    denominator = np.linalg.norm(vector) * np.linalg.norm(vectors, axis=1)  # (n,)
    dots = vectors @ vector  # (n,)
    return np.divide(dots, denominator, out=np.zeros_like(dots), where=denominator > 0)


def distances(v: Any, word_or_vector: str | int | np.ndarray, others: Sequence[str] = ()) -> np.ndarray:
    """``1 - cosine`` of a word (or vector) with each of ``others``, or with every row when ``others`` is empty
    (itself included): float32 shape (len(others),) or (n,), gensim's ``distances``."""
    query = np.asarray(v.vector(word_or_vector) if isinstance(word_or_vector, (str, int, np.integer))
                       else word_or_vector, dtype=np.float32).reshape(-1)
    if query.shape != (v.dim,):
        raise InvalidArgumentError(f"a query vector must have {v.dim} values, got {query.shape[0]}")
    others = as_list(others)
    if others:
        return 1 - cosine_similarities(query, v[others])
    out = np.empty(len(v), np.float32)
    step = max(256, DEFAULT_CHUNK_BYTES // (4 * max(1, v.dim)))
    for start in range(0, len(v), step):  # rows as float32 chunk by chunk: float16 or mapped rows cost no copy
        out[start : start + step] = 1 - cosine_similarities(query, np.asarray(v.matrix[start : start + step],
                                                                                 dtype=np.float32))
    return out


def closer_than(v: Any, a: str, b: str) -> list[str]:
    """Every token closer (by cosine) to ``a`` than ``b`` is, in row order, ``a`` itself left out (gensim's
    ``closer_than``; ``rank(a, b)`` is one more than their number)."""
    all_distances = distances(v, a)
    rows = v.word_rows(b)
    target = all_distances[rows[0]] if len(rows) == 1 else distances(v, a, [b])[0]
    own = set(v.word_rows(a))
    return [v.token(i) for i in np.flatnonzero(all_distances < target).tolist() if i not in own]


def most_similar_to_given(v: Any, word: str, candidates: Sequence[str]) -> str:
    """The one of ``candidates`` most similar to ``word`` (the first of equals), gensim's ``most_similar_to_given``."""
    candidates = as_list(candidates)
    if not candidates:
        raise InvalidArgumentError("most_similar_to_given needs at least one candidate")
    scores = [v.similarity(word, c) for c in candidates]
    return candidates[int(np.argmax(scores))]


def relative_cosine_similarity(v: Any, a: str, b: str, topn: int = 10) -> float:
    """``cos(a, b)`` over the sum of the scores of ``a``'s ``topn`` nearest neighbours (Leeuwenberg et al. 2016);
    above 0.10 for ``topn=10``, ``a`` and ``b`` are more alike than an arbitrary pair."""
    neighbours = v.most_similar(a, topn=topn)
    if not neighbours:
        raise InvalidArgumentError("relative_cosine_similarity needs at least one neighbour of the first word")
    return float(v.similarity(a, b)) / sum(score for _, score in neighbours)


def known(v: Any, words: Sequence[str], caller: str, at_least: int = 1) -> list[str]:
    """The words ``v`` can embed (``has_vector``), in order; a ``TokvecWarning`` names the others, and fewer
    than ``at_least`` left is an ``InvalidArgumentError``."""
    words = as_list(words)
    kept = [w for w in words if has_vector(v, w)]
    if len(kept) < len(words):
        left_out = [w for w in words if w not in kept]
        warnings.warn(f"{caller}: left out {len(left_out)} word(s) these vectors do not know: "
                      f"{', '.join(brief(w) for w in left_out[:5])}", TokvecWarning, stacklevel=4)
    if len(kept) < at_least:
        raise InvalidArgumentError(f"{caller} needs at least {at_least} known word(s), got {len(kept)} of "
                                   f"{len(words)}; check the spelling, or use vectors that know them")
    return kept


def rank_by_centrality(v: Any, words: Sequence[str], use_norm: bool = True) -> list[Neighbour]:
    """``words`` (those ``v`` knows; the others are left out with a warning) ranked by cosine with the unit mean
    of their (unit, with ``use_norm``) vectors, most central first: gensim's ``rank_by_centrality``."""
    words = known(v, words, "rank_by_centrality")
    rows = np.stack([v.vector(w, norm=use_norm) for w in words]).astype(np.float32)  # (w, dim)
    mean = rows.sum(axis=0, dtype=np.float32) / np.float32(len(rows))
    length = np.linalg.norm(mean)
    scores = rows @ (mean / length if length > 0 else mean)  # (w,)
    order = sorted(zip(scores.tolist(), words), reverse=True)
    return [Neighbour(word, score, _row(v, word)) for score, word in order]


def _row(v: Any, word: str) -> int:
    rows = v.word_rows(word)
    return rows[0] if len(rows) == 1 else -1


__all__ = ["closer_than", "cosine_similarities", "distances", "known", "most_similar_to_given",
           "rank_by_centrality", "relative_cosine_similarity"]
