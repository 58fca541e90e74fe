"""A query built from words: their unit rows, gensim's weighted mean, and 3CosMul's terms.

Each takes a ``Vectors`` (read through its public ``vector``, ``word_rows`` and ``dim``) and returns
what the searches scan for, with the rows of the query words, which are never returned as neighbours.

Deliberately left out: the searches themselves (``exact``, ``bounded``, ``ann``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError, UnknownTokenError
from .exact import Query, as_list, cosmul, mean_direction, unit


def unit_query(v: Any, item: Query) -> np.ndarray:
    """One query term of ``v`` (a ``Vectors``) as a unit float32 vector: a word's row, a row id (an int, as
    gensim reads it), or a raw vector."""
    if _is_key(item):
        return v.vector(item, norm=True)
    vec = np.asarray(item, dtype=np.float32).reshape(-1)
    if vec.shape != (v.dim,):
        raise InvalidArgumentError(f"a query vector must have {v.dim} values, got {vec.shape[0]}")
    return unit(vec)


def mean_query(v: Any, terms: list[tuple[Query, float]], caller: str) -> tuple[np.ndarray, list[int]]:
    """gensim's ``get_mean_vector(pre_normalize=True, post_normalize=True)`` of weighted terms (words as unit
    rows, raw vectors as given, as gensim adds them), and the rows of the query words (never returned)."""
    if not terms:
        raise InvalidArgumentError(f"{caller} needs at least one positive or negative word")
    exclude = [i for item, _ in terms for i in query_rows(v, item)]
    units = np.stack([unit_query(v, item) if _is_key(item) else _raw(v, item) for item, _ in terms])
    return mean_direction(units, [weight for _, weight in terms]), exclude


def _is_key(item: Query) -> bool:
    return isinstance(item, (str, int, np.integer)) and not isinstance(item, bool)


def _raw(v: Any, item: Query) -> np.ndarray:
    """A raw query vector as given (gensim adds vectors to the mean unnormalised; words as unit rows)."""
    vec = np.asarray(item, dtype=np.float32).reshape(-1)
    if vec.shape != (v.dim,):
        raise InvalidArgumentError(f"a query vector must have {v.dim} values, got {vec.shape[0]}")
    return vec


def cosmul_query(v: Any, positive: Query | Sequence[Query], negative: Query | Sequence[Query], caller: str,
                 ) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray], list[int]]:
    """(unit terms, the 3CosMul combination, rows to exclude) of a 3CosMul query on ``v``."""
    positive, negative = as_list(positive), as_list(negative)
    if not positive:
        raise InvalidArgumentError(f"{caller} needs at least one positive word")
    terms = np.stack([unit_query(v, item) for item in positive + negative])
    exclude = [i for item in positive + negative for i in query_rows(v, item)]
    return terms, cosmul(len(positive)), exclude


def query_rows(v: Any, item: Query) -> list[int]:
    """The rows a query term stands for (never returned as its neighbours): a word's rows, a row id, or none."""
    if isinstance(item, str):
        return v.word_rows(item)
    if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
        return [v.vocab.row(int(item))]
    return []


def has_vector(v: Any, word: object) -> bool:
    """Whether ``v[word]`` gives a vector: ``word`` is a token, found lower-cased (``lower``), made of a
    tokenizer's pieces, or built from fastText n-grams (always, with ``subwords``). ``word in v`` asks only
    the first.

    >>> from tokvec import Vectors
    >>> v = Vectors(["cat"], np.ones((1, 2), np.float32), lower=True)
    >>> has_vector(v, "Cat"), "Cat" in v
    (True, False)
    """
    if not isinstance(word, str):
        return False
    if word in v.vocab or (v.lower and word.lower() in v.vocab) or v.from_ngrams(word):
        return True
    if v.tokenizer is None:
        return False
    try:
        return bool(v.word_rows(word))
    except UnknownTokenError:
        return False
