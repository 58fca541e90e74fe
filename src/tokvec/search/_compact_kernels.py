"""numba kernels of ``tokvec.search.bounded``: int8 and float16 row scans and the bound-based selection.

Module level so numba's on-disk cache works across processes; ``tokvec.search.bounded`` imports this module
only when a compact scan first runs (``import tokvec`` never pulls numba). Each kernel has a NumPy twin
in ``tokvec.search.bounded`` (``*_reference``) and a test that they agree.
"""

from __future__ import annotations

import numpy as np

from .._plumbing.jit import numba

BLOCK = 2048  # rows per parallel work item


# reassociation lets the sums vectorise; any summation order stays within the rounding slack
# tokvec.search.bounded allows for (no "nnan"/"ninf": NaN and inf must keep their meaning)
FAST = {"reassoc", "contract"}


@numba.njit(cache=True, nogil=True, parallel=True, fastmath=FAST)
def int8_scores(codes, scales, query, start, stop, out):
    """``out[i - start] = scales[i] * (codes[i] . query)`` for rows [start, stop): int8 rows, float32 sums."""
    dim = codes.shape[1]
    blocks = (stop - start + BLOCK - 1) // BLOCK
    for b in numba.prange(blocks):
        lo = start + b * BLOCK
        hi = min(lo + BLOCK, stop)
        for i in range(lo, hi):
            row = codes[i]
            acc = np.float32(0.0)
            for j in range(dim):
                acc += np.float32(row[j]) * query[j]
            out[i - start] = acc * scales[i]


@numba.njit(cache=True, nogil=True, parallel=True, fastmath=FAST)
def half_scores(bits, scales, query, start, stop, out):
    """Same as ``int8_scores`` for float16 rows given as their raw uint16 bits (numba has no float16).

    The widening is the classic exact trick: the 15 low bits shifted into
    a float32's exponent and mantissa, times 2**112, rebias every finite float16 (normal or
    subnormal) exactly; the sign bit moves to bit 31. Inf/NaN halves become large finite values:
    callers give such rows an infinite error bound, so they are always rescored.
    """
    dim = bits.shape[1]
    blocks = (stop - start + BLOCK - 1) // BLOCK
    rebias = np.float32(5.192296858534828e33)  # 2**112
    for b in numba.prange(blocks):
        lo = start + b * BLOCK
        hi = min(lo + BLOCK, stop)
        wide = np.empty(dim, np.uint32)
        floats = wide.view(np.float32)
        for i in range(lo, hi):
            row = bits[i]
            for j in range(dim):
                x = np.uint32(row[j])
                wide[j] = ((x & np.uint32(0x7FFF)) << np.uint32(13)) | ((x & np.uint32(0x8000)) << np.uint32(16))
            acc = np.float32(0.0)
            for j in range(dim):
                acc += (floats[j] * rebias) * query[j]
            out[i - start] = acc * scales[i]


@numba.njit(cache=True, nogil=True, inline="always")
def _sift_down(heap, value):
    """Replace the root of the min-heap ``heap`` with ``value`` and restore the heap order."""
    size = heap.shape[0]
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= value:
            break
        heap[pos] = heap[child]
        pos = child
    heap[pos] = value


@numba.njit(cache=True, nogil=True)
def _select_one(approx, rscales, qscale, errors, qnorm, slack, heap, cand_rows, cand_upper):
    """``select`` for one query over 1-D views; the threshold is kept in a register."""
    threshold = heap[0]
    count = 0
    for r in range(approx.shape[0]):
        bound = qnorm * errors[r] + slack
        score = (np.float32(approx[r]) * rscales[r]) * qscale
        upper = score + bound
        if upper >= threshold:
            cand_rows[count] = r
            cand_upper[count] = upper
            count += 1
            lower = score - bound
            if lower > threshold:
                _sift_down(heap, lower)
                threshold = heap[0]
    return count


@numba.njit(cache=True, nogil=True, parallel=True)
def select(approx, rscales, qscales, errors, qnorms, slacks, heaps, cand_rows, cand_upper, counts):
    """Bound-based selection over one chunk of approximate scores, queries in parallel.

    The score of row r for query q is ``float32(approx[q, r]) * rscales[r] * qscales[q]`` (int32 sums
    of int8 codes, or float32 scores with scales 1); the true cosine lies within
    ``qnorms[q] * errors[r] + slacks[q]`` of it. ``heaps[q]`` is a
    min-heap of the largest lower bounds seen so far (kept across chunks; its root is the threshold);
    every row whose upper bound reaches the threshold at its turn is a candidate: its index and upper
    bound go to ``cand_rows[q]``/``cand_upper[q]``, ``counts[q]`` of them. NaN scores never qualify.
    """
    for q in numba.prange(approx.shape[0]):
        counts[q] = _select_one(approx[q], rscales, qscales[q], errors, qnorms[q], slacks[q], heaps[q],
                                cand_rows[q], cand_upper[q])


@numba.njit(cache=True, nogil=True, parallel=True)
def block_select(approx, errors, qnorm, slack, heaps, uppers):
    """One query, rows in parallel blocks of ``BLOCK``: ``uppers[r] = approx[r] + bound_r`` and, per
    block b, ``heaps[b]`` the min-heap of its largest lower bounds ``approx[r] - bound_r`` (``-inf``
    padded), ``bound_r = qnorm * errors[r] + slack``. The k-th best lower bound of all rows is then
    among the heaps' values (``tokvec.search.bounded`` merges them). NaN scores never enter a heap."""
    n = approx.shape[0]
    for b in numba.prange(heaps.shape[0]):
        heap = heaps[b]
        heap[:] = -np.inf
        threshold = heap[0]
        for r in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            bound = qnorm * errors[r] + slack
            uppers[r] = approx[r] + bound
            lower = approx[r] - bound
            if lower > threshold:
                _sift_down(heap, lower)
                threshold = heap[0]
