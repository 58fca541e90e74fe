"""Word Mover's Distance (Kusner et al. 2015): the least total distance that moves one text's words onto another's.

gensim's ``KeyedVectors.wmdistance``: each text is its normalised bag of words (a word's weight is its
count over the text's length), the cost of moving weight from word i to word j is the Euclidean distance of
their vectors (unit vectors with ``norm=True``), and the distance is the optimal transport cost (the earth
mover's distance). gensim asks POT's network simplex for it; here ``transport_cost`` solves the same linear
program exactly in NumPy: weights are scaled to integers (count x the other text's length), so successive
shortest paths move whole units and the optimum is found without rounding, then divided back.

Words the vectors cannot embed are left out (with fastText ``subwords`` every word can be); a text left with
no word is infinitely far (gensim's ``inf``). One deliberate difference: texts whose distinct words all share
one vector are 0 apart here (the true distance); gensim returns ``inf`` for them, as POT stalls on a zero
cost matrix.

Deliberately left out: the relaxed lower bounds (RWMD) that prune a corpus search.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError, TokvecWarning
from .queries import has_vector


def wmdistance(v: Any, first: Sequence[str], second: Sequence[str], norm: bool = True) -> float:
    """Word Mover's Distance between two texts (lists of words) of ``v`` (a ``Vectors``); see the module.

    >>> from tokvec import Vectors
    >>> v = Vectors(["a", "b", "c"], np.array([[0, 0], [3, 4], [6, 8]], dtype=np.float32))
    >>> wmdistance(v, ["a", "a"], ["b", "c"], norm=False)   # half of a goes 5 to b, half 10 to c
    7.5
    """
    if isinstance(first, str) or isinstance(second, str):
        raise InvalidArgumentError("wmdistance compares two lists of words; split a text first (text.split())")
    first, second = _known(v, first), _known(v, second)
    if not first or not second:
        warnings.warn("a text has no word these vectors can embed; its distance is inf", TokvecWarning, stacklevel=3)
        return float("inf")
    c1, c2 = Counter(first), Counter(second)
    if len(c1.keys() | c2.keys()) == 1:
        return 0.0
    rows1, rows2 = _rows(v, c1, norm), _rows(v, c2, norm)  # (n1, dim), (n2, dim)
    cost = np.sqrt(((rows1[:, None, :] - rows2[None, :, :]) ** 2).sum(axis=2))  # (n1, n2) Euclidean
    supply = np.array(list(c1.values()), np.float64) * len(second)  # integers: count x the other's length
    demand = np.array(list(c2.values()), np.float64) * len(first)
    return transport_cost(supply, demand, cost) / (len(first) * len(second))


def _rows(v: Any, words: Counter, norm: bool) -> np.ndarray:
    """The words' rows as float64 ``(n, dim)``; with ``norm``, divided by their float32 norms as gensim does."""
    rows = np.stack([v.vector(w) for w in words])  # (n, dim) float32
    if norm:
        lengths = np.linalg.norm(rows, axis=1, keepdims=True)
        rows = np.divide(rows, lengths, out=np.zeros_like(rows), where=lengths > 0)
    return rows.astype(np.float64)


def _known(v: Any, words: Sequence[str]) -> list[str]:
    return [w for w in words if has_vector(v, w)]


def transport_cost(supply: np.ndarray, demand: np.ndarray, cost: np.ndarray) -> float:
    """The least ``sum(flow * cost)`` moving integer ``supply`` (n1,) onto ``demand`` (n2,) of the same total
    over a (n1, n2) cost matrix: successive shortest paths, each found by vectorised label correction.

    >>> transport_cost(np.array([1., 1.]), np.array([1., 1.]), np.array([[0., 1.], [1., 0.]]))
    0.0
    """
    n1, n2 = cost.shape
    flow = np.zeros((n1, n2), np.float64)
    supply, demand = supply.astype(np.float64).copy(), demand.astype(np.float64).copy()
    while supply.sum() > 0 and demand.sum() > 0:
        to_right, from_left, from_right = _shortest_paths(cost, flow, supply)
        j = int(np.argmin(np.where(demand > 0, to_right, np.inf)))
        path, i = [], int(from_right[j])
        path.append((i, j))
        while from_left[i] >= 0 and len(path) <= 2 * (n1 + n2):  # back along used edges (cancel i->j') to a source
            j_back = int(from_left[i])
            path.append((i, -1 - j_back))
            i = int(from_right[j_back])
            path.append((i, j_back))
        step = min(supply[i], demand[j], *(flow[a, -1 - b] for a, b in path if b < 0))
        for a, b in path:
            if b >= 0:
                flow[a, b] += step
            else:
                flow[a, -1 - b] -= step
        supply[i] -= step
        demand[j] -= step
    return float((flow * cost).sum())


def _shortest_paths(cost: np.ndarray, flow: np.ndarray, supply: np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shortest residual paths from every source with supply left: (distance to each right node, the right
    node each left node is reached back from (-1: a source), the left node each right node is reached from).

    Bellman-Ford, vectorised one side at a time; a distance and its predecessor change together and only on
    a strict improvement, so the predecessors form a tree (no cycle even through zero-cost edges)."""
    n1, n2 = cost.shape
    to_left, from_left = np.where(supply > 0, 0.0, np.inf), np.full(n1, -1, np.int64)
    to_right, from_right = np.full(n2, np.inf), np.full(n2, -1, np.int64)
    back = np.where(flow.T > 0, -cost.T, np.inf)  # (n2, n1): right j -> left i along used edges
    for _ in range(n1 + n2 + 1):  # Bellman-Ford's bound; an optimal residual graph has no negative cycle
        changed = False
        for dist, pred, step, src in ((to_right, from_right, cost, to_left), (to_left, from_left, back, to_right)):
            through = src[:, None] + step  # (sources, targets)
            best = np.argmin(through, axis=0)
            value = through[best, np.arange(len(dist))]
            better = value < dist - 1e-12
            if better.any():
                dist[better], pred[better], changed = value[better], best[better], True
        if not changed:
            break
    return to_right, from_left, from_right


__all__ = ["transport_cost", "wmdistance"]
