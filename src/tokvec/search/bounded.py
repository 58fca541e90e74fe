"""Exact search through a compact scan copy: bound every row, rescore the few that can still win.

For a unit query q and a scan copy (``tokvec.search.compact``) the approximate score ``a_i`` of row i is
within ``b_i = |q| * errors[i] + slack`` of the exact float32 cosine (``slack`` covers float32
rounding of both sums: ``(2 dim + 16) * 2**-24``, well above what a ``dim``-term sum can drift).
One pass keeps, per query, a heap of the ``k + |exclude|`` largest lower bounds ``a_i - b_i`` (its
root is the threshold) and every row whose upper bound ``a_i + b_i`` reaches the threshold. A row
that never did scores below the k-th best exact score, so rescoring the candidates from the exact
rows (``search.top_k`` on them: same arithmetic, same tie-break by lower id, same exclusions) gives
exactly float32 search's answer. 3CosMul combines the per-term bounds by interval arithmetic.

One query scans int8 codes (a quarter of float32's bytes) or float16 rows (a half) with numba
kernels (``_compact_kernels``; NumPy twins here: ``scores_reference``, ``select_reference``).
Batches (many queries at once) are bound by arithmetic, not bandwidth. Over an int8 copy the queries
are quantised too and exact int8 x int8 sums give scores within a wider, still rigorous bound
(``tokvec.search.int8_batch``): with AVX-512 VNNI, an llvmlite kernel sums and selects as it goes; without
it, torch's int8 GEMM (``torch._int_mm``) where torch is already imported (it is never imported for
this); else one float32 GEMM per chunk over the exact rows and the selection kernel with zero bounds.

Deliberately left out: building scan copies (``tokvec.search.compact``) and approximate indexes (``tokvec.search.ann``).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import compact, int8_batch
from . import exact as search

SINGLE_CHUNK_ROWS = 1 << 20  # one query: rows per kernel call
MULTI_CHUNK_BYTES = 4 * 2**20  # several query terms: a chunk of the copy stays in cache while each scans it
BATCH_CHUNK_BYTES = 16 * 2**20  # batched GEMM: rows per chunk so the (q, rows) scores stay this size
INT8_CHUNK_BYTES = 8 * 2**20  # batched int8: rows per chunk so the (q, rows) sums stay this size
_ROW_COPIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_ROW_SUMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # v -> [its int8 codes, their row sums, rows done]


def _kernels():
    # OpenMP threads that spin between kernels cost a whole time slice (~8 ms) per launch on a busy
    # machine; sleeping ones wake in microseconds. Only a default: read when numba first loads OpenMP.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from . import _compact_kernels as k  # numba is imported only when a compact search first runs

    return k


def slack(dim: int) -> float:
    """Float32 rounding allowance of one approximate score and one exact score of a ``dim``-vector."""
    return float((2 * dim + 16) * 2.0**-24)


def scan_copy(v: Any) -> compact.Compact | None:
    """What a scan of ``v`` reads: its matrix if float16/int8, else its attached copy (or None: float32)."""
    if v.matrix.dtype in (np.float16, np.int8):
        copy = _ROW_COPIES.get(v)
        if copy is None or copy.rows is not v.matrix:
            copy = compact.of_rows(v.matrix, v.inv_norms, v.norms)
            _ROW_COPIES[v] = copy
        return copy
    return v.compact


def top_k(v: Any, queries: np.ndarray, k: int, *, stop: int | None = None,
          exclude: Sequence[Sequence[int]] | None = None,
          combine: search.Combine | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``search.top_k(v.matrix, v.inv_norms, ...)``'s exact answer, through ``v``'s scan copy if it has one.

    Shapes as ``search.top_k``: queries (m, dim) unit rows -> ids (q, k) int64, scores (q, k) float32.
    """
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    n = len(v) if stop is None else max(0, min(int(stop), len(v)))
    copy = scan_copy(v)
    if n == 0 or (copy is None and (len(queries) == 1 or combine is not None)):
        return search.top_k(v.matrix, v.inv_norms, queries, k, stop=n, exclude=exclude, combine=combine)
    if combine is None and len(queries) > 1:
        return _batch(v, queries, k, n, exclude)
    return _bounded(v, copy, queries, k, n, exclude, combine)


def scan(copy: compact.Compact, queries: np.ndarray, start: int, end: int, compiled: bool = True) -> np.ndarray:
    """Approximate scores of rows ``[start, end)`` for every query: shape (m, end - start) float32."""
    out = np.empty((len(queries), end - start), np.float32)
    if not compiled:
        return scores_reference(copy, queries, start, end)
    kernels = _kernels()
    if copy.rows.dtype == np.int8:
        kernel, rows = kernels.int8_scores, copy.rows
    else:
        kernel, rows = kernels.half_scores, copy.rows.view(np.uint16)
    for q, query in enumerate(queries):
        kernel(rows, copy.scales, query, start, end, out[q])
    return out


def scores_reference(copy: compact.Compact, queries: np.ndarray, start: int, end: int) -> np.ndarray:
    """NumPy twin of the scan kernels: ``scales * (rows . q)`` in float64, as float32."""
    rows = np.asarray(copy.rows[start:end], dtype=np.float64)
    return ((np.asarray(queries, np.float64) @ rows.T) * copy.scales[start:end]).astype(np.float32)


def select_reference(approx: np.ndarray, errors: np.ndarray, qnorms: np.ndarray, slack_: float | np.ndarray,
                     heaps: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Plain twin of ``_compact_kernels.select``: per query (candidate rows, their upper bounds); updates ``heaps``."""
    out = []
    slacks = np.broadcast_to(np.asarray(slack_, np.float32), (approx.shape[0],))
    for q in range(approx.shape[0]):
        rows, uppers = [], []
        for r in range(approx.shape[1]):
            bound = np.float32(qnorms[q] * errors[r] + slacks[q])
            upper, lower = approx[q, r] + bound, approx[q, r] - bound
            if upper >= heaps[q].min():
                rows.append(r)
                uppers.append(upper)
                if lower > heaps[q].min():
                    heaps[q, np.argmin(heaps[q])] = lower
        out.append((np.array(rows, np.int64), np.array(uppers, np.float32)))
    return out


class _Candidates:
    """Per query: the heap of best lower bounds and the candidate rows gathered chunk by chunk."""

    def __init__(self, m: int, keep: int, chunk_rows: int):
        self.heaps = np.full((m, keep), -np.inf, np.float32)
        self.rows = np.empty((m, chunk_rows), np.int32)
        self.uppers = np.empty((m, chunk_rows), np.float32)
        self.counts = np.zeros(m, np.int64)
        self.found: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(m)]

    def add(self, approx: np.ndarray, errors: np.ndarray, qnorms: np.ndarray, slack_: float | np.ndarray,
            start: int, rscales: np.ndarray | None = None, qscales: np.ndarray | None = None) -> None:
        """One chunk of scores ``approx * rscales * qscales`` (int32 sums, or float32 with no scales)."""
        rows, m = approx.shape[1], approx.shape[0]
        slacks = np.ascontiguousarray(np.broadcast_to(np.asarray(slack_, np.float32), (m,)))
        rscales = np.ones(rows, np.float32) if rscales is None else rscales
        qscales = np.ones(m, np.float32) if qscales is None else qscales
        _kernels().select(approx, rscales, qscales, errors, qnorms, slacks, self.heaps,
                          self.rows[:, :rows], self.uppers[:, :rows], self.counts)
        self._collect(start)

    def _collect(self, start: int) -> None:
        for q, count in enumerate(self.counts):
            if count:
                ups = self.uppers[q, :count]
                keep = ups >= self.heaps[q, 0]
                self.found[q].append((self.rows[q, :count][keep] + np.int64(start), ups[keep].copy()))

    def result(self, q: int) -> np.ndarray:
        """Sorted candidate rows of query ``q`` still reaching its final threshold."""
        if not self.found[q]:
            return np.empty(0, np.int64)
        rows = np.concatenate([r for r, _ in self.found[q]])
        ups = np.concatenate([u for _, u in self.found[q]])
        return np.sort(rows[ups >= self.heaps[q, 0]])


def _keep(k: int, exclude: Sequence[Sequence[int]] | None) -> int:
    return k + (max((len(e) for e in exclude), default=0) if exclude else 0)


def _bounded(v: Any, copy: compact.Compact, queries: np.ndarray, k: int, n: int,
             exclude: Sequence[Sequence[int]] | None, combine: search.Combine | None) -> tuple[np.ndarray, np.ndarray]:
    """One query (or the terms of one 3CosMul query): scan, select, rescore the candidates exactly."""
    m, dim = queries.shape
    qnorms = (np.linalg.norm(queries.astype(np.float64), axis=1) * (1 + 1e-6)).astype(np.float32)
    if combine is None and m == 1:
        return _rescore(v, queries, k, exclude, None, [_single(copy, queries, qnorms[0], _keep(k, exclude), n)])
    step = SINGLE_CHUNK_ROWS if m == 1 else max(256, MULTI_CHUNK_BYTES // max(1, dim * copy.rows.itemsize))
    step = min(step, n)
    q_out = m if combine is None else 1
    cands = _Candidates(q_out, _keep(k, exclude), step)
    for start in range(0, n, step):
        end = min(start + step, n)
        approx = scan(copy, queries, start, end)
        if combine is None:
            cands.add(approx, copy.errors[start:end], qnorms, slack(dim), start)
        else:
            bounds = qnorms[:, None] * copy.errors[start:end] + np.float32(slack(dim))
            mid, half = _combined_bounds(approx, bounds, combine)
            cands.add(mid, half, np.ones(1, np.float32), 0.0, start)
    return _rescore(v, queries, k, exclude, combine, [cands.result(q) for q in range(q_out)])


def _single(copy: compact.Compact, query: np.ndarray, qnorm: np.float32, keep: int, n: int) -> np.ndarray:
    """One query's candidate rows (sorted): per chunk, the scan, then ``block_select`` (bounds and the
    best lower bounds of each block, in parallel); the running ``keep`` best lower bounds give the
    threshold, and every row whose upper bound reaches it at the end is a candidate."""
    kernels, slack_ = _kernels(), np.float32(slack(copy.rows.shape[1]))
    best = np.full(keep, -np.inf, np.float32)
    found: list[tuple[np.ndarray, np.ndarray]] = []
    for start in range(0, n, SINGLE_CHUNK_ROWS):
        end = min(start + SINGLE_CHUNK_ROWS, n)
        approx = scan(copy, query, start, end)[0]
        heaps = np.empty(((end - start + kernels.BLOCK - 1) // kernels.BLOCK, keep), np.float32)
        uppers = np.empty(end - start, np.float32)
        kernels.block_select(approx, copy.errors[start:end], qnorm, slack_, heaps, uppers)
        pool = np.concatenate([best, heaps.ravel()])
        best = np.partition(pool, len(pool) - keep)[len(pool) - keep :]
        rows = np.flatnonzero(uppers >= best.min())
        found.append((rows + start, uppers[rows]))
    rows = np.concatenate([r for r, _ in found])
    return np.sort(rows[np.concatenate([u for _, u in found]) >= best.min()])


def _combined_bounds(approx: np.ndarray, bounds: np.ndarray, combine: search.Combine) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint (1, rows) and half-width (rows,) of an interval holding ``combine`` of any cosines within
    ``approx -+ bounds`` (3CosMul is monotone in each term: the ends of its range come from the interval
    ends; the corners are tried, which is exact for 2-3 terms and safe for any)."""
    lows, highs = approx - bounds, approx + bounds
    m = approx.shape[0]
    corners = []
    for mask in range(2 ** m) if m <= 4 else (0, 2 ** m - 1):
        pick = np.array([(mask >> t) & 1 for t in range(m)], bool)[:, None]
        corners.append(combine(np.where(pick, highs, lows))[0])
    stack = np.stack(corners)
    low, high = stack.min(axis=0), stack.max(axis=0)
    pad = np.abs(stack).max(axis=0) * np.float32(1e-5) + np.float32(1e-6)  # float32 rounding of the combine
    low, high = low - pad, high + pad
    bad = ~np.isfinite(low) | ~np.isfinite(high)  # NaN/inf terms: always rescore
    mid = np.where(bad, 0, (low + high) / 2).astype(np.float32)
    half = np.where(bad, np.inf, (high - low) / 2).astype(np.float32)
    return mid[None, :], half


def _rescore(v: Any, queries: np.ndarray, k: int, exclude: Sequence[Sequence[int]] | None,
             combine: search.Combine | None, candidates: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``search.top_k`` on each query's candidate rows, mapped back to row ids."""
    ids, scores = [], []
    for q, rows in enumerate(candidates):
        terms = queries if combine is not None else queries[q : q + 1]
        excl = exclude[q] if exclude is not None else ()
        local_excl = [np.flatnonzero(np.isin(rows, np.asarray(excl, np.int64))).tolist()]
        sub_ids, sub_scores = search.top_k(search.gather(v.matrix, rows), v.inv_norms[rows], terms, k,
                                           exclude=local_excl, combine=combine)
        ids.append(rows[sub_ids[0]])
        scores.append(sub_scores[0])
    keep = min(len(i) for i in ids)
    return np.stack([i[:keep] for i in ids]).astype(np.int64), np.stack([s[:keep] for s in scores])


def _batch(v: Any, queries: np.ndarray, k: int, n: int,
           exclude: Sequence[Sequence[int]] | None) -> tuple[np.ndarray, np.ndarray]:
    """Many queries: int8 x int8 sums over an int8 copy (``_batch_int8``: with VNNI, or torch already
    imported), else one float32 GEMM per chunk of exact rows and the selection kernel with zero bounds."""
    copy = scan_copy(v)
    route = int8_batch.route() if int8_batch.ready(copy, queries) else None
    if route is not None:
        return _batch_int8(v, copy, queries, k, n, exclude, fused=route == "vnni")
    m, dim = queries.shape
    step = min(n, max(256, BATCH_CHUNK_BYTES // (4 * max(m, dim))))
    cands = _Candidates(m, _keep(k, exclude), step)
    zeros = np.zeros(step, np.float32)
    ones = np.ones(m, np.float32)
    for start in range(0, n, step):
        end = min(start + step, n)
        block = np.asarray(v.matrix[start:end], dtype=np.float32)  # (rows, dim)
        sims = queries @ block.T  # (m, rows)
        sims *= v.inv_norms[start:end]
        _mask(sims, exclude, start, end)
        cands.add(sims, zeros[: end - start], ones, 0.0, start)
    return _rescore(v, queries, k, exclude, None, [cands.result(q) for q in range(m)])


def _mask(scores: np.ndarray, exclude: Sequence[Sequence[int]] | None, start: int, end: int) -> None:
    """Excluded rows of the chunk ``[start, end)`` become NaN: never selected, like search.top_k's -inf."""
    for q, ids in enumerate(exclude or ()):
        for i in ids:
            if start <= i < end:
                scores[q, i - start] = np.nan


def _batch_int8(v: Any, copy: compact.Compact, queries: np.ndarray, k: int, n: int,
                exclude: Sequence[Sequence[int]] | None, fused: bool) -> tuple[np.ndarray, np.ndarray]:
    """Many queries on an int8 copy: exact int32 sums of int8 codes (``fused``: ``int8_batch.candidates``, the
    kernel selecting as it sums; else torch's GEMM, then the selection kernel), bounds, exact rescoring."""
    m, dim = queries.shape
    if fused:
        found = int8_batch.candidates(copy, _row_sums(v, copy, n), queries, _keep(k, exclude), n, slack(dim))
        return _rescore(v, queries, k, exclude, None, found)
    codes, qscales, qnorms, slacks = int8_batch.bounds(queries, slack(dim))
    step = min(n, max(256, INT8_CHUNK_BYTES // (4 * m)))
    cands = _Candidates(m, _keep(k, exclude), step)  # exclusions: the heaps keep k + |exclude|
    for start in range(0, n, step):
        end = min(start + step, n)
        sums = int8_batch.torch_sums(codes, copy.rows[start:end])  # (m, rows) int32
        cands.add(sums, copy.errors[start:end], qnorms, slacks, start, copy.scales[start:end], qscales)
    return _rescore(v, queries, k, exclude, None, [cands.result(q) for q in range(m)])


def _row_sums(v: Any, copy: compact.Compact, n: int) -> np.ndarray:
    """The sums of the int8 rows of ``v``'s copy (the kernel takes the 128 shift back off with them), at least
    of rows ``[0, n)``: computed by the first batch that reaches them, kept while ``v`` lives (4 bytes a row)."""
    known = _ROW_SUMS.get(v)
    if known is None or known[0] is not copy.rows:
        known = _ROW_SUMS[v] = [copy.rows, np.empty(len(copy.rows), np.int32), 0]
    if known[2] < n:
        rows = copy.rows if copy.rows.flags.c_contiguous else np.ascontiguousarray(copy.rows)
        int8_batch.row_sums(rows, known[2], n, known[1][known[2] :])
        known[2] = n
    return known[1]


def rank(v: Any, a: int, b: int) -> int:
    """``Vectors.rank`` by rows: 1 + rows (not ``a``) strictly closer to ``a`` than ``b`` is, in float32
    cosine distance; through the scan copy, only rows whose bounds straddle ``b``'s score are rescored."""
    query = v.vector(a, norm=True)
    copy = scan_copy(v)
    if copy is None:
        dists = np.float32(1) - search.cosine_scores(v.matrix, v.inv_norms, query, len(v))
        closer = dists < dists[b]
        closer[a] = False
        return int(closer.sum()) + 1
    dist_b = np.float32(1) - search.cosine_scores(np.asarray(v.matrix[[b]]), v.inv_norms[[b]], query, 1)[0]
    qnorm = np.float32(np.linalg.norm(query.astype(np.float64)) * (1 + 1e-6))
    margin = np.float32(1e-6)  # wider than float32's rounding of 1 - score
    count, step = 0, SINGLE_CHUNK_ROWS
    for start in range(0, len(v), step):
        end = min(start + step, len(v))
        approx = scan(copy, query[None, :], start, end)[0]
        bound = qnorm * copy.errors[start:end] + np.float32(slack(v.dim))
        sure = (np.float32(1) - (approx - bound)) < dist_b - margin
        maybe = np.flatnonzero(~sure & ((np.float32(1) - (approx + bound)) <= dist_b + margin)) + start
        exact = search.cosine_scores(np.asarray(v.matrix[maybe]), v.inv_norms[maybe], query, len(maybe))
        closer = maybe[(np.float32(1) - exact) < dist_b]
        count += int(sure.sum()) - int(start <= a < end and sure[a - start]) + int((closer != a).sum())
    return count + 1
