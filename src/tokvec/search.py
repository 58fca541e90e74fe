"""Exact top-k cosine search in bounded memory.

The matrix is scanned in row chunks: each chunk is converted to float32 (so float16
storage costs no float32 copy of the whole matrix), multiplied by all queries at
once (one GEMM per chunk, or GEMV for a single query), scaled by precomputed inverse
norms, and reduced to k candidates per query with ``argpartition``. Peak extra memory
is about ``chunk_bytes`` whatever the vocabulary size.

``reference_top_k`` is the plain, whole-matrix NumPy twin used by tests.

Deliberately left out: approximate search (an optional faiss backend belongs in its own module).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

DEFAULT_CHUNK_BYTES = 32 * 2**20

Combine = Callable[[np.ndarray], np.ndarray]
"""Maps cosine similarities of shape (m, rows) to scores of shape (q, rows)."""


def inverse_norms(norms: np.ndarray) -> np.ndarray:
    """``1 / norms`` as float32, with 0 where a norm is 0 (a zero vector scores 0, not NaN)."""
    norms = np.asarray(norms, dtype=np.float32)
    inv = np.zeros_like(norms)
    np.divide(1.0, norms, out=inv, where=norms > 0)
    return inv


def row_norms(matrix: np.ndarray, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> np.ndarray:
    """Euclidean norm of every row (accumulated in float64, returned as float32), chunk by chunk. Shape (n,)."""
    n, dim = matrix.shape
    out = np.empty(n, dtype=np.float32)
    step = max(1, chunk_bytes // max(1, 4 * dim))
    for start in range(0, n, step):
        block = np.asarray(matrix[start : start + step], dtype=np.float32)  # (rows, dim)
        out[start : start + step] = np.sqrt(np.einsum("ij,ij->i", block, block))
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
    >>> ids.tolist(), scores.round(2).tolist()
    ([[1, 0]], [[0.8, 0.6]])
    """
    n_total, dim = matrix.shape
    n = n_total if stop is None else max(0, min(int(stop), n_total))
    queries = np.ascontiguousarray(queries, dtype=np.float32)  # (m, dim)
    m = queries.shape[0]
    rows_per_chunk = max(256, chunk_bytes // (4 * (dim + 2 * m)))
    cand_ids: list[np.ndarray] = []
    cand_scores: list[np.ndarray] = []
    for start in range(0, n, rows_per_chunk):
        end = min(start + rows_per_chunk, n)
        block = np.asarray(matrix[start:end], dtype=np.float32)  # (rows, dim), float32 per chunk
        if m == 1:
            sims = (block @ queries[0])[None, :]  # (1, rows): GEMV
        else:
            sims = queries @ block.T  # (m, rows): one GEMM for all queries
        sims *= inv_norms[start:end]
        scores = sims if combine is None else combine(sims)  # (q, rows)
        if exclude is not None:
            for q, ids in enumerate(exclude):
                for i in ids:
                    if start <= i < end:
                        scores[q, i - start] = -np.inf
        rows = end - start
        kk = min(k, rows)
        if kk < rows:
            part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]  # (q, kk)
        else:
            part = np.broadcast_to(np.arange(rows), (scores.shape[0], rows))
        cand_ids.append(part + start)
        cand_scores.append(np.take_along_axis(scores, part, axis=1))
    q_count = cand_scores[0].shape[0] if cand_scores else (m if combine is None else 1)
    if not cand_ids:
        return np.empty((q_count, 0), np.int64), np.empty((q_count, 0), np.float32)
    ids = np.concatenate(cand_ids, axis=1).astype(np.int64)  # (q, candidates)
    scores = np.concatenate(cand_scores, axis=1).astype(np.float32)
    return _best_sorted(ids, scores, k)


def _best_sorted(ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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
    if not valid.all():  # excluded entries only surface when fewer than k rows remain
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
