"""A query built from words: their unit rows, gensim's weighted mean, and 3CosMul's terms.

Each takes a ``Vectors`` (read through its public ``vector``, ``word_rows`` and ``dim``) and returns
what the searches scan for, with the rows of the query words, which are never returned as neighbours.

Deliberately left out: the searches themselves (``exact``, ``bounded``, ``ann``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError
from .exact import Query, as_list, cosmul, mean_direction, unit


def unit_query(v: Any, item: Query) -> np.ndarray:
    """One query term of ``v`` (a ``Vectors``) as a unit float32 vector: a word's row, or a raw vector."""
    if isinstance(item, str):
        return v.vector(item, norm=True)
    vec = np.asarray(item, dtype=np.float32).reshape(-1)
    if vec.shape != (v.dim,):
        raise InvalidArgumentError(f"a query vector must have {v.dim} values, got {vec.shape[0]}")
    return unit(vec)


def mean_query(v: Any, terms: list[tuple[Query, float]], caller: str) -> tuple[np.ndarray, list[int]]:
    """gensim's ``get_mean_vector(pre_normalize=True, post_normalize=True)`` of weighted terms, and the
    rows of the query words (never returned as neighbours)."""
    if not terms:
        raise InvalidArgumentError(f"{caller} needs at least one positive or negative word")
    exclude = [i for item, _ in terms if isinstance(item, str) for i in v.word_rows(item)]
    units = np.stack([unit_query(v, item) for item, _ in terms])
    return mean_direction(units, [weight for _, weight in terms]), exclude


def cosmul_query(v: Any, positive: Query | Sequence[Query], negative: Query | Sequence[Query], caller: str,
                 ) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray], list[int]]:
    """(unit terms, the 3CosMul combination, rows to exclude) of a 3CosMul query on ``v``."""
    positive, negative = as_list(positive), as_list(negative)
    if not positive:
        raise InvalidArgumentError(f"{caller} needs at least one positive word")
    terms = np.stack([unit_query(v, item) for item in positive + negative])
    exclude = [i for item in positive + negative if isinstance(item, str) for i in v.word_rows(item)]
    return terms, cosmul(len(positive)), exclude
