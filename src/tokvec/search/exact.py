"""Exact top-k cosine search in bounded memory.

The matrix is scanned in row chunks: each chunk is converted to float32 (so float16
storage costs no float32 copy of the whole matrix), multiplied by all queries at
once (one GEMM per chunk, or GEMV for a single query), scaled by precomputed inverse
norms, and reduced to k candidates per query with ``argpartition``. Peak extra memory
is about ``chunk_bytes`` whatever the vocabulary size.

``reference_top_k`` is the plain, whole-matrix NumPy twin used by tests. Also here: the query
vocabulary ``Vectors`` speaks (``Query``, ``Neighbour``, the analogy ``Method``), the arithmetic that
builds a query (``unit``, ``mean_direction``, ``cosmul``), chunked whole-matrix passes
(``row_norms``, ``cosine_scores``, ``convert``), rows of a mapped file read without mapping them
(``gather``), and the ``ApproximateIndex`` protocol that
``tokvec.search.ann`` implements.

Deliberately left out: approximate search (the optional faiss backend is ``tokvec.search.ann``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, Union, get_args

import numpy as np

from .._plumbing.threads import run
from ..errors import InvalidArgumentError
from .neighbour import Neighbour as Neighbour  # re-exported: what every search returns

DEFAULT_CHUNK_BYTES = 32 * 2**20

Query = Union[str, int, np.ndarray, tuple[Union[str, int, np.ndarray], float]]
"""A token, a row id (an int, as gensim reads it), or a raw vector of length ``dim``; in ``most_similar``, also a
``(token, row or vector; weight)`` pair."""


def check_topn(topn: int) -> int:
    """``topn`` if it is a positive integer, else ``InvalidArgumentError``."""
    if not isinstance(topn, (int, np.integer)) or topn < 1:
        raise InvalidArgumentError(f"topn must be a positive integer, got {topn!r}")
    return int(topn)


def check_restrict(restrict: int | None) -> int | None:
    """``restrict`` (a number of leading rows) if it is None or positive, else ``InvalidArgumentError``."""
    if restrict is None:
        return None
    if not isinstance(restrict, (int, np.integer)) or restrict < 1:
        raise InvalidArgumentError(f"restrict must be a positive number of rows, got {restrict!r}")
    return int(restrict)


def check_count(topn: int | None) -> int | None:
    """gensim's ``topn`` conventions: None (every score), 0 (nothing) or a positive integer; else
    ``InvalidArgumentError``."""
    if topn is None or (isinstance(topn, (int, np.integer)) and not isinstance(topn, bool) and topn == 0):
        return None if topn is None else 0
    return check_topn(topn)


def rows_to_rank(count: int | None, restrict: int | None, n: int) -> int:
    """How many neighbours a search finds: ``count``, or for ``topn=None`` every searched row."""
    if count is not None:
        return count
    stop = check_restrict(restrict)
    return max(1, n if stop is None else min(stop, n))


def as_list(items: Query | Sequence[Query] | None) -> list[Query]:
    """One query or many as a list: a str, an int (a row id) or a 1-D array is one query, a 2-D array one query
    per row (gensim's convention), anything else a sequence of queries."""
    if items is None:
        return []
    if isinstance(items, (str, int, np.integer)) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]
    if isinstance(items, np.ndarray) and items.ndim == 2:
        return list(items)
    return list(items)


def weighted(positive: Query | Sequence[Query] | None, negative: Query | Sequence[Query] | None,
             ) -> list[tuple[Query, float]]:
    """The terms of a query with their weights: +1 for each positive, -1 for each negative; a
    ``(key, weight)`` pair keeps its weight in ``positive`` and is subtracted in ``negative``.

    >>> weighted(["king", ("woman", 0.5)], "man")
    [('king', 1.0), ('woman', 0.5), ('man', -1.0)]
    """
    terms = []
    for items, sign in ((positive, 1.0), (negative, -1.0)):
        for item in as_list(items):
            if isinstance(item, tuple):
                if len(item) != 2 or not isinstance(item[1], (int, float, np.number)) or isinstance(item[1], bool):
                    raise InvalidArgumentError(f"a weighted query term is a (key, weight) pair, got {item!r:.80}")
                terms.append((item[0], sign * float(item[1])))
            else:
                terms.append((item, sign))
    return terms


Method = Literal["cosadd", "cosmul"]
"""How analogy queries combine their words: 3CosAdd (``most_similar``) or 3CosMul (Levy & Goldberg)."""
METHODS: tuple[str, ...] = get_args(Method)


def check_method(method: str, option: str = "method") -> Method:
    """``method`` if it is one of ``METHODS``, else ``InvalidArgumentError`` naming the choices.

    >>> check_method("cosmul")
    'cosmul'
    >>> check_method("cosine")
    Traceback (most recent call last):
    ...
    tokvec.errors.InvalidArgumentError: unknown analogy method 'cosine' for method; use one of: cosadd, cosmul
    """
    if method not in METHODS:
        raise InvalidArgumentError(f"unknown analogy method {method!r} for {option}; use one of: {', '.join(METHODS)}")
    return method  # type: ignore[return-value]


class ApproximateIndex(Protocol):
    """What ``Vectors.most_similar(..., index=)`` needs of an approximate index (``tokvec.search.ann.Index``).

    ``top_k`` proposes up to ``k`` rows per unit query, best first, with exact cosine scores, never
    a row listed in that query's ``exclude``; ``-1`` pads a row of ids where fewer were found.
    ``v`` is the ``Vectors`` being searched. Shapes: ``unit_queries`` (q, dim) -> ids (q, k) int64,
    scores (q, k) float32.
    """

    def top_k(self, v: Any, unit_queries: np.ndarray, k: int,
              exclude: Sequence[Sequence[int]] | None) -> tuple[np.ndarray, np.ndarray]: ...

Combine = Callable[[np.ndarray], np.ndarray]
"""Maps cosine similarities of shape (m, rows) to scores of shape (q, rows)."""


def inverse_norms(norms: np.ndarray) -> np.ndarray:
    """``1 / norms`` as float32, with 0 where a norm is 0 (a zero vector scores 0, not NaN)."""
    norms = np.asarray(norms, dtype=np.float32)
    inv = np.zeros_like(norms)
    np.divide(1.0, norms, out=inv, where=norms > 0)
    return inv


def row_norms(matrix: np.ndarray, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> np.ndarray:
    """Euclidean norm of every row (float32), chunk by chunk, the chunks on ``_plumbing.threads``' pool
    (each row's value does not depend on the chunking or the thread). Shape (n,)."""
    n, dim = matrix.shape
    out = np.empty(n, dtype=np.float32)
    step = max(1, chunk_bytes // max(1, 4 * dim))

    def norms(start: int, stop: int) -> None:
        block = np.asarray(matrix[start:stop], dtype=np.float32)  # (rows, dim)
        out[start:stop] = np.sqrt(np.einsum("ij,ij->i", block, block))

    run(norms, [(start, min(start + step, n)) for start in range(0, n, step)])
    return out


def cosine_scores(matrix: np.ndarray, inv_norms: np.ndarray, unit_query: np.ndarray, stop: int,
                  chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> np.ndarray:
    """Cosine of one unit query with rows ``[0, stop)``, chunk by chunk in float32: shape (stop,)."""
    dim = matrix.shape[1]
    out = np.empty(stop, dtype=np.float32)
    q = np.asarray(unit_query, dtype=np.float32)  # (dim,)
    step = max(256, chunk_bytes // (4 * dim))
    for start in range(0, stop, step):
        end = min(start + step, stop)
        out[start:end] = (np.asarray(matrix[start:end], dtype=np.float32) @ q) * inv_norms[start:end]
    return out


def unit(vector: np.ndarray) -> np.ndarray:
    """``vector / |vector|``; a zero vector stays zero (it scores 0 against everything, not NaN)."""
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def mean_direction(unit_vectors: np.ndarray, weights: Sequence[float]) -> np.ndarray:
    """gensim's ``get_mean_vector(pre_normalize=True, post_normalize=True)``: unit of the weighted mean.

    Shapes: unit_vectors (m, dim), weights (m,) -> (dim,) float32. 3CosAdd uses +1 for positive and
    -1 for negative words.
    """
    mean = np.zeros(unit_vectors.shape[1], dtype=np.float32)
    for weight, row in zip(weights, unit_vectors):
        mean += np.float32(weight) * row
    mean /= np.float32(len(unit_vectors))
    return unit(mean).astype(np.float32)


def cosmul(n_positive: int) -> Combine:
    """3CosMul (Levy & Goldberg 2014, eq. 4) over similarities of the positive then the negative terms.

    ``prod_p (1+cos)/2 / (prod_n (1+cos)/2 + 1e-6)``; shapes (p + n, rows) -> (1, rows).
    """
    def combine(sims: np.ndarray) -> np.ndarray:
        shifted = (1.0 + sims) / 2.0
        numer = np.prod(shifted[:n_positive], axis=0)
        denom = np.prod(shifted[n_positive:], axis=0) + np.float32(1e-6)
        return (numer / denom)[None, :]
    return combine


def convert(matrix: np.ndarray, dtype: np.dtype,
            chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> tuple[np.ndarray, int | None]:
    """``matrix`` as float32/float16 in a new array, chunk by chunk; ``(matrix, None)``, or ``(None, row)``
    with the first row holding a value beyond ``dtype``'s range (it would become infinity)."""
    out = np.empty(matrix.shape, dtype=dtype)
    step = max(1, chunk_bytes // (4 * max(1, matrix.shape[1])))
    limit = float(np.finfo(dtype).max)
    for start in range(0, len(matrix), step):
        block = np.asarray(matrix[start : start + step], dtype=np.float32)  # (rows, dim)
        too_big = np.abs(block) > limit
        if too_big.any():
            return None, start + int(np.flatnonzero(too_big.any(axis=1))[0])
        out[start : start + step] = block
    return out, None


def gather(matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``matrix[rows]`` (rows sorted); from a memory-mapped file, each row read with ``os.pread``, so the
    few rows a rescoring needs do not map the file's pages (and their readahead) into this process."""
    if not (isinstance(matrix, np.memmap) and hasattr(os, "pread") and matrix.ndim == 2 and len(rows)
            and matrix.strides[1] == matrix.itemsize and matrix.strides[0] > 0):
        return np.asarray(matrix[rows])
    root = matrix
    while isinstance(root.base, np.memmap):
        root = root.base
    first = root.offset + matrix.ctypes.data - root.ctypes.data  # file position of matrix[0]
    width = matrix.shape[1] * matrix.itemsize
    out = np.empty((len(rows), matrix.shape[1]), matrix.dtype)
    buffer = out.reshape(-1).view(np.uint8)
    fd = os.open(root.filename, os.O_RDONLY)
    try:
        for j, r in enumerate(rows.tolist()):
            data = os.pread(fd, width, first + r * matrix.strides[0])
            if len(data) != width:  # the file changed under the map: read through it as before
                return np.asarray(matrix[rows])
            buffer[j * width : (j + 1) * width] = np.frombuffer(data, np.uint8)
    finally:
        os.close(fd)
    return out


def top_k(
    matrix: np.ndarray,
    inv_norms: np.ndarray,
    queries: np.ndarray,
    k: int,
    *,
    stop: int | None = None,
    exclude: Sequence[Sequence[int]] | None = None,
    combine: Combine | None = None,
    chunk_bytes: int = DEFAULT_CHUNK_BYTES,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best rows for each query, best first.

    Scores are cosine similarities ``matrix[i] · query / |matrix[i]|`` (queries should be unit
    vectors), or ``combine(similarities)`` when given (used by 3CosMul). Only rows ``[0, stop)``
    are searched; ``exclude[q]`` lists row ids query ``q`` must not return. Ties break by lower id.

    Shapes: matrix (n, dim), queries (m, dim) -> ids (q, k) int64, scores (q, k) float32,
    where q = m unless ``combine`` changes it. Fewer than k rows available: k shrinks.

    >>> m = np.eye(3, dtype=np.float32)
    >>> ids, scores = top_k(m, np.ones(3, np.float32), np.array([[0.6, 0.8, 0.0]], np.float32), 2)
    >>> ids.tolist(), [round(float(x), 2) for x in scores[0]]
    ([[1, 0]], [0.8, 0.6])
    """
    n_total, dim = matrix.shape
    n = n_total if stop is None else max(0, min(int(stop), n_total))
    queries = np.ascontiguousarray(queries, dtype=np.float32)  # (m, dim)
    m = queries.shape[0]
    rows_per_chunk = max(256, chunk_bytes // (4 * (dim + 2 * m)))
    if m == 1 and combine is None and matrix.dtype == np.float32:
        # one GEMV over all rows: its output is only n floats, and one call beats many small ones
        rows_per_chunk = max(rows_per_chunk, n)
    best: _Best | None = None
    for start in range(0, n, rows_per_chunk):
        end = min(start + rows_per_chunk, n)
        block = np.asarray(matrix[start:end], dtype=np.float32)  # (rows, dim), float32 per chunk
        if m == 1:
            sims = (block @ queries[0])[None, :]  # (1, rows): GEMV
        else:
            sims = queries @ block.T  # (m, rows): one GEMM for all queries
        sims *= inv_norms[start:end]
        scores = sims if combine is None else combine(sims)  # (q, rows)
        if np.isnan(np.add.reduce(scores, axis=None)):  # rows holding NaN (loaded with nonfinite="keep")
            scores[np.isnan(scores)] = -np.inf  # rank last, never first
        if exclude is not None:
            for q, ids in enumerate(exclude):
                for i in ids:
                    if start <= i < end:
                        scores[q, i - start] = -np.inf
        if best is None:
            best = _Best(scores.shape[0], k)
        best.add(scores, start)
    if best is None:
        q_count = m if combine is None else 1
        return np.empty((q_count, 0), np.int64), np.empty((q_count, 0), np.float32)
    return best.result()


class _Best:
    """Running top-k per query. Once k candidates are held, a chunk only contributes entries that
    reach the current k-th best score (a cheap comparison), so most chunks cost no partitioning."""

    def __init__(self, n_queries: int, k: int):
        self.k = k
        self.ids = np.empty((n_queries, 0), np.int64)
        self.scores = np.empty((n_queries, 0), np.float32)
        self.threshold: np.ndarray | None = None  # (q, 1): k-th best so far

    def add(self, scores: np.ndarray, start: int) -> None:
        q_count, rows = scores.shape
        if self.threshold is None:
            kk = min(self.k, rows)
            # the kk largest sit at the end after partitioning at rows - kk (no negated copy needed)
            part = np.argpartition(scores, rows - kk, axis=1)[:, rows - kk :] if kk < rows else \
                np.broadcast_to(np.arange(rows), (q_count, rows))
            ids = np.concatenate([self.ids, part + start], axis=1)
            vals = np.concatenate([self.scores, np.take_along_axis(scores, part, axis=1)], axis=1)
            self.ids, self.scores = _best_sorted(ids, vals, self.k, drop_excluded=False)
            if self.ids.shape[1] == self.k:
                self.threshold = self.scores[:, -1:].copy()
            return
        # queries this chunk can improve (NaN-blind max)
        hit = np.flatnonzero(np.fmax.reduce(scores, axis=1) >= self.threshold[:, 0])
        if hit.size == 0:
            return
        sub_q, ri = np.nonzero(scores[hit] >= self.threshold[hit])  # usually a handful of entries
        qi = hit[sub_q]
        cand_scores = scores[qi, ri]
        all_q = np.concatenate([np.repeat(np.arange(q_count), self.k), qi])
        all_ids = np.concatenate([self.ids.ravel(), ri.astype(np.int64) + start])
        all_scores = np.concatenate([self.scores.ravel(), cand_scores])
        order = np.lexsort((all_ids, -all_scores, all_q))
        all_q, all_ids, all_scores = all_q[order], all_ids[order], all_scores[order]
        group_start = np.searchsorted(all_q, np.arange(q_count))
        take = (group_start[:, None] + np.arange(self.k)).ravel()  # every query holds >= k entries
        self.ids = all_ids[take].reshape(q_count, self.k)
        self.scores = all_scores[take].reshape(q_count, self.k)
        self.threshold = self.scores[:, -1:].copy()

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        return _best_sorted(self.ids, self.scores, self.k)


def _best_sorted(ids: np.ndarray, scores: np.ndarray, k: int,
                 drop_excluded: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row's candidates by (-score, id) and keep k; -inf (excluded) rows are dropped."""
    q_count = ids.shape[0]
    k = min(k, ids.shape[1])
    out_ids = np.empty((q_count, k), np.int64)
    out_scores = np.empty((q_count, k), np.float32)
    for q in range(q_count):
        order = np.lexsort((ids[q], -scores[q]))[:k]
        out_ids[q] = ids[q, order]
        out_scores[q] = scores[q, order]
    valid = np.isfinite(out_scores) | np.isnan(out_scores)
    if drop_excluded and not valid.all():  # excluded entries only surface when fewer than k rows remain
        keep = int(valid.sum(axis=1).min())
        out_ids, out_scores = out_ids[:, :keep], out_scores[:, :keep]
    return out_ids, out_scores


def reference_top_k(
    matrix: np.ndarray,
    queries: np.ndarray,
    k: int,
    *,
    stop: int | None = None,
    exclude: Sequence[Sequence[int]] | None = None,
    combine: Combine | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Plain NumPy twin of ``top_k``: whole matrix at once, full sort. For tests."""
    mat = np.asarray(matrix[:stop], dtype=np.float64)
    norms = np.linalg.norm(mat, axis=1)
    unit = np.divide(mat, norms[:, None], out=np.zeros_like(mat), where=norms[:, None] > 0)
    sims = np.asarray(queries, dtype=np.float64) @ unit.T
    scores = sims if combine is None else combine(sims)
    if exclude is not None:
        for q, ids in enumerate(exclude):
            scores[q, [i for i in ids if i < scores.shape[1]]] = -np.inf
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(scores, order, axis=1)

