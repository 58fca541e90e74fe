"""Batches of queries over an int8 scan copy: the queries quantised too, exact int8 x int8 sums, bounds.

For unit queries q and an int8 copy (``tokvec.search.compact``: codes ``c_i``, scale ``s_i``, error
``e_i``) each query is quantised like a row (per-query scale ``t``, codes ``d``, error ``eq = |q - t d|``);
the integer sums ``d . c_i`` are exact, and the score ``t s_i (d . c_i)`` is within
``(|q| + eq) e_i + eq + slack`` of the exact float32 cosine (``|q . u - t d . û| <= |q| |u - û| + eq |û|``,
``|û| <= 1 + e_i``): ``bounds``. ``tokvec.search.bounded`` rescores the candidates exactly.

``candidates`` finds them without torch or numba: queries go in groups of 16 (``pack``: codes plus 128 as
unsigned bytes, four dims to a 32-bit lane) through ``_int8_kernels.pending`` (AVX-512 VNNI where the CPU
has it), which returns the few rows where some query's upper bound reaches its threshold, with their sums.
Each query's threshold is the ``keep``-th best lower bound among the rows returned so far, updated here
(NumPy) between passes over the rows: a first pass over ``FIRST_ROWS`` rows, then ``CHUNK_ROWS`` at a time,
each pass split into (group, rows) calls, at least two per thread, that run on ``threads()`` threads. A row whose upper
bound stays under a threshold never beats the ``keep``-th best (thresholds only rise), so the candidates
are the rows returned whose upper bound reaches the final threshold: exact answers after rescoring.
The shift by 128 comes back off with each row's sum: ``d . c = (d + 128) . c - 128 sum(c)`` (``row_sums``).

Where the CPU has no VNNI the portable kernel is several times slower than a float32 GEMM, so
``tokvec.search.bounded`` uses torch's int8 GEMM there (``torch_sums``) when torch is already imported,
else the GEMM (``route``). Twins: ``sums_reference`` (int64 NumPy products) and ``pending_reference``
(the kernel's rows, in NumPy); tests check the kernels against both exactly.

Deliberately left out: the rescoring and the torch route's selection (``tokvec.search.bounded``).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np

from .._plumbing.optional import require
from .._plumbing.threads import pool, run, threads
from . import compact

LANES = 16  # queries per group (``_int8_kernels.LANES``)
MAX_DIM = 1000  # dim * 127**2 < 2**24: an int32 sum converts to float32 exactly
FIRST_ROWS = 1_024  # the first pass: every row is returned, which sets every threshold
CHUNK_ROWS = 16_384  # rows between threshold updates (tuned at 100,000 and 1,000,000 rows x 100 queries)
BLOCK_ROWS = 16_384  # at most this many rows in one kernel call


def kernels():
    """The kernels module (llvmlite is imported here, when an int8 batch first runs)."""
    from . import _int8_kernels as k

    return k


def vnni() -> bool:
    """Whether this CPU has AVX-512 VNNI and llvmlite can build the fast kernel (0.44 or later)."""
    return kernels().VNNI


def route() -> str | None:
    """How a batch gets its int8 sums here: ``"vnni"`` (``candidates``), ``"torch"`` (no VNNI, torch
    already imported: its int8 GEMM, faster there than the portable kernel) or None (a float32 GEMM)."""
    if vnni():
        return "vnni"
    return "torch" if "torch" in sys.modules else None


def ready(copy: compact.Compact | None, queries: np.ndarray) -> bool:
    """Whether a batch can run on int8 sums: an int8 unit copy and finite, non-zero queries."""
    return (copy is not None and copy.kind == "int8" and queries.shape[1] <= MAX_DIM
            and bool(np.isfinite(queries).all()) and bool(np.abs(queries).max(axis=1).min() > 0))


def quantize_queries(queries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query: int8 codes (m, dim), scale (m,) float32 and error ``|q - scale * codes|`` rounded up."""
    wide = queries.astype(np.float64)
    scales = (np.abs(wide).max(axis=1) / 127.0).astype(np.float32)
    codes = np.clip(np.rint(wide / scales.astype(np.float64)[:, None]), -127, 127)
    residual = wide - scales.astype(np.float64)[:, None] * codes
    return codes.astype(np.int8), scales, compact.round_up(np.sqrt(np.einsum("ij,ij->i", residual, residual)))


def bounds(queries: np.ndarray, slack: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(codes, scales, norms, slacks) of unit queries (m, dim): row i's score for query q is
    ``float32(sums[q, i]) * rscales[i] * scales[q]``, within ``norms[q] * errors[i] + slacks[q]`` of its
    exact cosine (``slack``: float32 rounding, ``bounded.slack``)."""
    codes, scales, errors = quantize_queries(queries)
    norms = (np.linalg.norm(queries.astype(np.float64), axis=1) * (1 + 1e-6)).astype(np.float32)
    part = (errors.astype(np.float64) * (1 + 1e-5)).astype(np.float32)  # |û| <= |u| + e <= 1 + e, u's norm rounded
    return codes, scales, (norms + part).astype(np.float32), (part + np.float32(slack)).astype(np.float32)


def pack(codes: np.ndarray) -> np.ndarray:
    """Query codes (m, dim) int8 as the kernel reads them: (groups, ceil(dim / 4) * 16) int32.

    Lane l of group g, word w holds bytes ``codes[16 g + l, 4 w : 4 w + 4] + 128`` (unsigned), zero past
    ``dim`` and for the lanes past ``m``.

    >>> pack(np.array([[1, -1, 0, 127, 5]], np.int8)).view(np.uint8).reshape(1, 2, 16, 4)[0, :, 0].tolist()
    [[129, 127, 128, 255], [133, 0, 0, 0]]
    """
    m, dim = codes.shape
    groups, words = -(-m // LANES), -(-dim // 4)
    shifted = np.zeros((groups * LANES, words * 4), np.uint8)
    shifted[:m, :dim] = codes.astype(np.int16) + 128
    quads = shifted.reshape(groups, LANES, words, 4).transpose(0, 2, 1, 3)  # (groups, words, lanes, 4)
    return np.ascontiguousarray(quads).view(np.int32).reshape(groups, words * LANES)


def row_sums(rows: np.ndarray, start: int, end: int, out: np.ndarray) -> None:
    """``out[: end - start] = rows[start:end].sum(axis=1)`` (int8 rows (n, dim), C order; int32), in threads."""
    _, kernel = kernels().compiled(rows.shape[1])
    blocks = [(b, min(b + BLOCK_ROWS, end)) for b in range(start, end, BLOCK_ROWS)]
    run(lambda lo, hi: kernel(rows.ctypes.data, lo, hi, out[lo - start :].ctypes.data), blocks)


def candidates(copy: compact.Compact, rowsums: np.ndarray, queries: np.ndarray, keep: int, n: int,
               slack: float) -> list[np.ndarray]:
    """Per unit query (m, dim): the sorted rows of ``[0, n)`` that can still be among its ``keep`` best
    (see the module docstring). ``rowsums``: ``row_sums`` of those rows."""
    codes, qscales, qnorms, slacks = bounds(queries, slack)
    m, dim = queries.shape
    if keep >= n:
        return [np.arange(n) for _ in range(m)]
    rows = copy.rows if copy.rows.flags.c_contiguous else np.ascontiguousarray(copy.rows)
    quads = pack(codes)
    lanes = np.zeros((len(quads), 4, LANES), np.float32)  # per group: scale, norm, slack, threshold per lane
    for k, values in enumerate((qscales, qnorms, slacks)):
        _set(lanes, k, values, 0.0)
    best = np.full((len(quads) * LANES, keep), -np.inf, np.float32)  # (lanes, keep): best lower bounds
    found: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in quads]
    pending, _ = kernels().compiled(dim)
    arrays = (rows, rowsums, *(np.ascontiguousarray(x, np.float32) for x in (copy.scales, copy.errors)))
    parts = -(-2 * threads() // len(quads))  # calls per group and pass: at least two for every thread
    start = 0
    while start < n:
        end = min(n, start + (FIRST_ROWS if start == 0 else CHUNK_ROWS))
        _set(lanes, 3, best.min(axis=1)[:m], np.inf)  # the lanes past m never pass
        step = min(BLOCK_ROWS, -(-(end - start) // parts))
        calls = [(pending, g, b, min(b + step, end)) for g in range(len(quads)) for b in range(start, end, step)]
        for g, got, sums in pool().map(lambda call: _call(*call, quads, lanes, arrays), calls):
            if len(got):
                uppers, lowers = _bounds(got, sums, g, lanes, arrays)
                cols = slice(g * LANES, (g + 1) * LANES)
                merged = np.concatenate([best[cols], lowers.T], axis=1)  # (16, keep + p)
                best[cols] = np.partition(merged, merged.shape[1] - keep, axis=1)[:, merged.shape[1] - keep :]
                found[g].append((got, uppers))
        start = end
    return _final(found, best.min(axis=1), m)


def _set(lanes: np.ndarray, k: int, values: np.ndarray, fill: float) -> None:
    """Row ``k`` of every group's lanes: ``values`` (m,) in query order, ``fill`` past them."""
    padded = np.full(lanes.shape[0] * LANES, fill, np.float32)
    padded[: len(values)] = values
    lanes[:, k] = padded.reshape(-1, LANES)


def _call(pending, g: int, first: int, last: int, quads: np.ndarray, lanes: np.ndarray,
          arrays: tuple) -> tuple[int, np.ndarray, np.ndarray]:
    """One kernel call (in a pool thread): group ``g`` over rows ``[first, last)``; (g, rows, their sums)."""
    local = kernels().LOCAL  # this thread's output buffers
    if getattr(local, "rows", None) is None or len(local.rows) < last - first:
        local.rows, local.sums = np.empty(last - first, np.int32), np.empty((last - first, LANES), np.int32)
    rows, rowsums, rscales, errors = arrays
    count = pending(rows.ctypes.data, first, last, quads[g].ctypes.data, rowsums.ctypes.data, rscales.ctypes.data,
                    errors.ctypes.data, lanes[g].ctypes.data, local.rows.ctypes.data, local.sums.ctypes.data)
    return g, local.rows[:count] + np.int64(first), local.sums[:count].copy()


def _bounds(got: np.ndarray, sums: np.ndarray, g: int, lanes: np.ndarray,
            arrays: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Upper and lower bounds (p, 16) of rows ``got`` for group ``g``: the kernel's float32 operations."""
    _, rowsums, rscales, errors = arrays
    score = (sums - np.int32(128) * rowsums[got][:, None]).astype(np.float32)
    score = (score * rscales[got][:, None]) * lanes[g, 0]
    with np.errstate(invalid="ignore"):  # an unused lane (norm 0) of a row whose error is infinite: NaN, unused
        bound = lanes[g, 1] * errors[got][:, None] + lanes[g, 2]
    return score + bound, score - bound


def _final(found: list, thresholds: np.ndarray, m: int) -> list[np.ndarray]:
    """Per query, the sorted rows whose upper bound reaches its final threshold."""
    out = []
    for g, parts in enumerate(found):
        rows = np.concatenate([r for r, _ in parts]) if parts else np.empty(0, np.int64)
        uppers = np.concatenate([u for _, u in parts]) if parts else np.empty((0, LANES), np.float32)
        for lane in range(min(LANES, m - g * LANES)):
            out.append(np.sort(rows[uppers[:, lane] >= thresholds[g * LANES + lane]]))
    return out


def torch_sums(codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``codes @ rows.T`` exactly, (m, rows) int32, by torch's int8 GEMM: the sums on a CPU without VNNI,
    where torch is already imported (twin: ``sums_reference``)."""
    torch = require("torch", "torch", "int8 batched search")
    with warnings.catch_warnings():  # a read-only memory map: torch only reads it
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        right = torch.from_numpy(np.ascontiguousarray(rows))
    return torch._int_mm(torch.from_numpy(np.ascontiguousarray(codes)), right.T).numpy()


def sums_reference(codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """NumPy twin of the kernels' sums: ``codes @ rows.T`` in int64, as int32 (m, rows)."""
    return (codes.astype(np.int64) @ rows.astype(np.int64).T).astype(np.int32)


def pending_reference(rows: np.ndarray, codes: np.ndarray, rscales: np.ndarray, errors: np.ndarray,
                      lanes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NumPy twin of ``_int8_kernels.pending`` for one group of up to 16 queries (codes (l, dim)): the rows
    where some lane's upper bound reaches its threshold (``lanes``: scale, norm, slack, threshold rows),
    and their 16 sums as the kernel writes them (with the shift by 128; lanes past ``l``: 0)."""
    sums = np.zeros((len(rows), LANES), np.int64)
    sums[:, : len(codes)] = sums_reference(codes, rows).T.astype(np.int64) + 128 * rows.astype(np.int64).sum(1)[:, None]
    score = (sums - 128 * rows.astype(np.int64).sum(1)[:, None]).astype(np.float32)
    with np.errstate(invalid="ignore"):  # an unused lane (norm 0) of a row whose error is infinite: NaN, never passes
        upper = (score * rscales[:, None]) * lanes[0] + (lanes[1] * errors[:, None] + lanes[2])
    hit = (upper >= lanes[3]).any(axis=1)
    return np.flatnonzero(hit), sums[hit].astype(np.int32)
