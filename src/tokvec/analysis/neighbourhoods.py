"""Neighbourhoods of a set of points and how much two of them agree: unit rows, k nearest, overlap@k.

The shared measure of ``tokvec.watch`` (a snapshot against the final one), ``tokvec.analysis.compare``
(set A against set B, on their shared tokens) and the explorer's projection distortion (the original
space against its 2-D or 3-D picture). All work on a small dense set of ``r`` points (an ``(r, r)``
matrix), ties broken towards the lower position, so results are exact and reproducible.

Deliberately left out: searching a whole vocabulary (``tokvec.search``) and choosing the points.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows of ``x`` ``(r, d)`` scaled to unit length, float64; zero rows stay zero."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)  # (r, 1)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def cosines(x: np.ndarray) -> np.ndarray:
    """Cosine similarities of the rows of ``x`` ``(r, d)``: ``(r, r)`` float64 (zero rows: 0).

    >>> cosines(np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0]])).round(3) + 0.0
    array([[1., 1., 0.],
           [1., 1., 0.],
           [0., 0., 1.]])
    """
    unit = unit_rows(x)
    return unit @ unit.T  # (r, d) @ (d, r) -> (r, r)


def nearest(similarity: np.ndarray, k: int) -> np.ndarray:
    """``(r, k)`` positions of each row's k most similar other rows, best first (ties: lower position).

    ``similarity`` is ``(r, r)`` (larger = nearer; pass ``-distance`` for distances); a row is never its
    own neighbour, so ``k`` must be below ``r``.

    >>> nearest(np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.2], [0.1, 0.2, 1.0]]), 1).ravel().tolist()
    [1, 0, 1]
    """
    sims = np.array(similarity, dtype=np.float64)  # a copy: the diagonal is overwritten
    r = len(sims)
    if sims.ndim != 2 or sims.shape != (r, r):
        raise InvalidArgumentError(f"a similarity matrix must be square, got shape {sims.shape}")
    if not 1 <= k < max(r, 1):
        raise InvalidArgumentError(f"k={k} nearest neighbours need more than {k} points, got {r}")
    np.fill_diagonal(sims, -np.inf)
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def nearest_cosine(x: np.ndarray, k: int, block: int = 1024) -> np.ndarray:
    """``nearest(cosines(x), k)`` computed ``block`` rows at a time: ``(r, k)``, memory ``block * r``, not ``r * r``."""
    unit = unit_rows(x)  # (r, d)
    r = len(unit)
    if not 1 <= k < max(r, 1):
        raise InvalidArgumentError(f"k={k} nearest neighbours need more than {k} points, got {r}")
    top = np.empty((r, k), dtype=np.int64)
    for start in range(0, r, block):
        sims = unit[start:start + block] @ unit.T  # (b, d) @ (d, r) -> (b, r)
        sims[np.arange(len(sims)), np.arange(start, start + len(sims))] = -np.inf
        top[start:start + block] = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return top


def nearest_euclidean(points: np.ndarray, k: int) -> np.ndarray:
    """``nearest`` by Euclidean distance between the rows of ``points`` ``(r, d)``: ``(r, k)``."""
    p = np.asarray(points, dtype=np.float64)
    squared = (p * p).sum(axis=1)  # (r,)
    distance2 = squared[:, None] + squared[None, :] - 2 * (p @ p.T)  # (r, r)
    return nearest(-distance2, k)


def row_overlap(top: np.ndarray, other: np.ndarray) -> np.ndarray:
    """``|top[i] ∩ other[i]| / k`` for each row: ``(r,)`` in [0, 1]; both ``(r, k)`` of distinct positions.

    >>> row_overlap(np.array([[1, 2], [0, 2]]), np.array([[2, 3], [2, 0]])).tolist()
    [0.5, 1.0]
    """
    top, other = np.asarray(top), np.asarray(other)
    if top.shape != other.shape or top.ndim != 2:
        raise InvalidArgumentError(f"neighbourhoods to compare must have one shape (r, k), got {top.shape} "
                                   f"and {other.shape}")
    shared = (top[:, :, None] == other[:, None, :]).sum(axis=(1, 2))  # (r,) matches, at most one per (i, a)
    return shared / max(top.shape[1], 1)


def mean_overlap(top: np.ndarray, other: np.ndarray) -> float:
    """Mean overlap@k of two neighbourhood tables ``(r, k)`` (see ``row_overlap``); 0.0 for no rows."""
    per_row = row_overlap(top, other)
    return float(per_row.mean()) if per_row.size else 0.0


__all__ = ["cosines", "mean_overlap", "nearest", "nearest_cosine", "nearest_euclidean", "row_overlap", "unit_rows"]
