"""Text to one vector: ``mean_vector`` and ``n_similarity`` (gensim's semantics) and SIF sentence vectors.

``mean_vector`` is gensim's ``KeyedVectors.get_mean_vector``: the weighted mean of the words' rows
(unit rows with ``pre_normalise``), divided by the sum of the absolute weights of the words found;
unknown words are skipped (and appended to ``missing`` when a list is given), and a text with no known
word is the zero vector. With fastText ``subwords`` no word is unknown: it is built from its n-grams, as
gensim's ``FastTextKeyedVectors`` does. A term may also be a row id or a vector (used as given).
``n_similarity`` is gensim's: the cosine of the two plain means.

SIF (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline for sentence embeddings"): each
sentence is the mean of its known words' rows weighted by ``a / (a + p(w))``, ``p(w)`` the word's
relative frequency in ``counts``; then the projection on the first principal component(s) of all
the sentence vectors (uncentred, as the paper's code does with TruncatedSVD) is removed.

Deliberately left out: tokenisation beyond whitespace splitting (pass token lists for anything else).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from ..search.exact import unit
from .matrix import rows_or_none

Words = Sequence[str] | str


def _words(text: Words) -> list:
    return text.split() if isinstance(text, str) else list(text)


def _vector(v: Any, word: str | int | np.ndarray, norm: bool) -> np.ndarray | None:
    """The word's row as ``v.vector`` reads it (a row id, a vector as given; an unknown word from its fastText
    n-grams when ``v`` has ``subwords``), or None when the vectors cannot embed it."""
    if isinstance(word, np.ndarray):
        return np.asarray(word, dtype=np.float32).reshape(-1)
    if not isinstance(word, str):
        return v.vector(word, norm=norm)
    rows = rows_or_none(v, word)
    if rows is None:
        return v.vector(word, norm=norm) if v.from_ngrams(word) else None
    return v.vector(rows[0] if len(rows) == 1 else word, norm=norm)


def mean_vector(
    v: Any,
    words: Words,
    weights: Sequence[float] | np.ndarray | None = None,
    *,
    pre_normalise: bool = True,
    post_normalise: bool = False,
    missing: list[str] | None = None,
) -> np.ndarray:
    """gensim's ``get_mean_vector(words, weights, pre_normalize, post_normalize)`` as float32 ``(dim,)``.

    ``words`` is a list of words, row ids or vectors (or a string, split on whitespace); words the vectors
    cannot embed (``Vectors.has_vector``) are skipped and, when ``missing`` is a list, appended to it.

    >>> from tokvec import Vectors
    >>> v = Vectors(["a", "b"], np.array([[3, 4], [0, 2]], dtype=np.float32))
    >>> gone = []
    >>> mean = mean_vector(v, ["a", "b", "zzz"], missing=gone)
    >>> [round(x, 4) for x in mean.tolist()], gone
    ([0.3, 0.9], ['zzz'])
    """
    words = _words(words)
    if not words:
        raise InvalidArgumentError("mean_vector needs at least one word")
    w = np.ones(len(words), np.float64) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if w.shape[0] != len(words):
        raise InvalidArgumentError(f"{len(words)} words but {w.shape[0]} weights; give one weight per word")
    total, weight = np.zeros(v.dim, np.float64), 0.0
    for word, wi in zip(words, w):
        row = _vector(v, word, pre_normalise)
        if row is None:
            if missing is not None:
                missing.append(word)
            continue
        total += wi * row
        weight += abs(wi)
    mean = (total / weight if weight > 0 else total).astype(np.float32)
    return unit(mean) if post_normalise else mean


def n_similarity(v: Any, a: Words, b: Words) -> float:
    """Cosine similarity of the plain means of two word lists (gensim's ``n_similarity``).

    >>> from tokvec import Vectors
    >>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
    >>> round(n_similarity(v, ["a", "b"], ["c"]), 6)
    1.0
    """
    a, b = _words(a), _words(b)
    if not (a and b):
        raise InvalidArgumentError("n_similarity needs at least one word on each side")
    first = unit(mean_vector(v, a, pre_normalise=False))
    second = unit(mean_vector(v, b, pre_normalise=False))
    return float(np.dot(first, second))


def word_probabilities(v: Any, counts: Mapping[str, int] | Any | None) -> Mapping[str, float]:
    """``p(w)``: relative frequencies from a ``{word: count}`` mapping, a ``Vocab`` with counts, or ``v``'s counts."""
    if counts is None:
        if v.counts is None:
            raise InvalidArgumentError("SIF weights need word counts and these vectors carry none; pass counts= "
                                       "(e.g. tokvec.build_vocab(corpus) or a word2vec vocabulary file loaded with "
                                       "load(..., counts=PATH))")
        counts = v.vocab
    if not isinstance(counts, Mapping):
        if getattr(counts, "counts", None) is None:
            raise InvalidArgumentError("counts= must be a {word: count} mapping or a Vocab that has counts")
        counts = dict(zip(counts.tokens, counts.counts.tolist()))
    total = float(sum(counts.values()))
    if total <= 0:
        raise InvalidArgumentError("the counts add up to 0; SIF needs word frequencies from a corpus")
    return {word: c / total for word, c in counts.items()}


def sif_weight(p: float, a: float) -> float:
    """``a / (a + p)``: 1 for a word never seen, small for the most frequent ones."""
    return a / (a + p)


def sif_vectors(
    v: Any,
    sentences: Sequence[Words],
    counts: Mapping[str, int] | Any | None = None,
    *,
    a: float = 1e-3,
    components: int = 1,
) -> np.ndarray:
    """SIF sentence vectors, float32 ``(len(sentences), dim)`` (a sentence with no known word is a zero row).

    ``counts`` gives ``p(w)`` (``word_probabilities``); a word absent from it has ``p = 0`` (weight 1).
    ``components`` principal components are removed (0: none). Words are looked up as ``v.vector`` does.
    """
    if not (isinstance(a, (int, float)) and a > 0):
        raise InvalidArgumentError(f"a must be a positive number (the paper uses 1e-3), got {a!r}")
    if not (isinstance(components, int) and components >= 0):
        raise InvalidArgumentError(f"components must be a non-negative integer, got {components!r}")
    p = word_probabilities(v, counts)
    out = np.zeros((len(sentences), v.dim), dtype=np.float64)
    for i, sentence in enumerate(sentences):
        found = [(row, sif_weight(p.get(word, 0.0), a)) for word in _words(sentence)
                 if (row := _vector(v, word, False)) is not None]
        if found:
            out[i] = sum(w * row.astype(np.float64) for row, w in found) / len(found)
    return remove_components(out, components).astype(np.float32)


def remove_components(x: np.ndarray, components: int = 1) -> np.ndarray:
    """``x`` minus its projection on its first ``components`` right singular vectors (uncentred PCA)."""
    if components == 0 or len(x) == 0 or not np.any(x):
        return x
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    u = vt[:components]  # (k, dim)
    return x - (x @ u.T) @ u  # (n, dim)
