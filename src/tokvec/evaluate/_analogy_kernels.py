"""numba kernels for ``tokvec.evaluate._analogy``: the per-chunk cosine table and the running top-k scan.

Kept in their own module, at module level, so that ``cache=True`` works (numba cannot reuse cached
code for closures over other compiled functions) and so that ``tokvec.evaluate._analogy`` imports numba only
when a scan runs. ``tokvec.evaluate._analogy.cosine_table_reference`` and ``scan_reference`` are the plain
NumPy twins; tests compare them exactly.

The cosine table is computed here rather than with a BLAS GEMM: OpenBLAS worker threads keep
spinning after each call and then fight the numba threads of the scan for the same cores, which
cost more than the GEMM saves (the table is only ``words x rows x dim`` multiply-adds).
"""

from __future__ import annotations

import numpy as np

from .._plumbing.jit import numba

BLOCK = 64  # rows scored together: a vectorised pass, then a scalar insert pass only if one beats the k-th best
EPS = np.float32(1e-6)  # Levy & Goldberg's epsilon (= tokvec.evaluate._analogy.COSMUL_EPSILON, checked by tests)
HALF = np.float32(0.5)
ONE = np.float32(1.0)


@numba.njit(cache=True, nogil=True, parallel=True)
def cosine_table(words, block_t, inv_norms, out):
    # words (W, dim) unit vectors; block_t (dim, r) a chunk of rows, transposed; out (W, r) cosines
    # accumulated over dim in order (out[w, j] = ((x0 c0 + x1 c1) + x2 c2) + ...), contiguous in j: vectorised
    dim, r = block_t.shape
    for w in numba.prange(words.shape[0]):
        row = out[w]
        for j in range(r):
            row[j] = 0
        for d in range(dim):
            x = words[w, d]
            col = block_t[d]
            for j in range(r):
                row[j] += x * col[j]
        for j in range(r):
            row[j] *= inv_norms[j]


@numba.njit(cache=True, nogil=True, inline="always")
def cosadd(sa, sb, sc, j):
    return sb[j] + sc[j] - sa[j]


@numba.njit(cache=True, nogil=True, inline="always")
def cosmul(sa, sb, sc, j):
    return ((ONE + sb[j]) * HALF) * ((ONE + sc[j]) * HALF) / ((ONE + sa[j]) * HALF + EPS)


# one block of BLOCK rows into buf; returns how many beat threshold (constant trip count: vectorised)
@numba.njit(cache=True, nogil=True, inline="always")
def cosadd_block(sa, sb, sc, j0, buf, threshold):
    hits = 0
    for t in range(BLOCK):
        s = sb[j0 + t] + sc[j0 + t] - sa[j0 + t]
        buf[t] = s
        hits += s > threshold
    return hits


@numba.njit(cache=True, nogil=True, inline="always")
def cosmul_block(sa, sb, sc, j0, buf, threshold):
    hits = 0
    for t in range(BLOCK):
        s = ((ONE + sb[j0 + t]) * HALF) * ((ONE + sc[j0 + t]) * HALF) / ((ONE + sa[j0 + t]) * HALF + EPS)
        buf[t] = s
        hits += s > threshold
    return hits


@numba.njit(cache=True, nogil=True, inline="always")
def offer(best_ids, best_scores, q, s, gid, ea, eb, ec):
    # insert (s, gid) into question q's sorted top-k unless gid is a question word; new k-th best
    k = best_ids.shape[1]
    if gid == ea or gid == eb or gid == ec:
        return best_scores[q, k - 1]
    p = k - 1
    while p > 0 and best_scores[q, p - 1] < s:  # strict: equal scores keep the earlier (lower) id first
        best_scores[q, p] = best_scores[q, p - 1]
        best_ids[q, p] = best_ids[q, p - 1]
        p -= 1
    best_scores[q, p] = s
    best_ids[q, p] = gid
    return best_scores[q, k - 1]


@numba.njit(cache=True, nogil=True, inline="always")
def scan_question(q, sims, rows, exclude, start, best_ids, best_scores, block, single):
    k = best_ids.shape[1]
    r = sims.shape[1]
    full = r - r % BLOCK
    sa, sb, sc = sims[rows[q, 0]], sims[rows[q, 1]], sims[rows[q, 2]]  # (r,) each
    ea, eb, ec = exclude[q, 0], exclude[q, 1], exclude[q, 2]
    threshold = best_scores[q, k - 1]
    buf = np.empty(BLOCK, np.float32)
    for j0 in range(0, full, BLOCK):
        if block(sa, sb, sc, j0, buf, threshold):  # rare once the top-k has filled
            for t in range(BLOCK):
                if buf[t] > threshold:  # strict: an equal later row never displaces an earlier one
                    threshold = offer(best_ids, best_scores, q, buf[t], start + j0 + t, ea, eb, ec)
    for j in range(full, r):
        s = single(sa, sb, sc, j)
        if s > threshold:
            threshold = offer(best_ids, best_scores, q, s, start + j, ea, eb, ec)


# sims (W, r) float32: cosine of each question word with rows start..start+r
# rows (Q, 3): which sims row holds a, b, c; exclude (Q, 3): their global ids
# best_ids (Q, k), best_scores (Q, k): running top-k, best first, updated in place
# (one kernel per objective: a branch inside the parallel loop stops vectorisation)
@numba.njit(cache=True, nogil=True, parallel=True)
def scan_cosadd(sims, rows, exclude, start, best_ids, best_scores):
    for q in numba.prange(rows.shape[0]):
        scan_question(q, sims, rows, exclude, start, best_ids, best_scores, cosadd_block, cosadd)


@numba.njit(cache=True, nogil=True, parallel=True)
def scan_cosmul(sims, rows, exclude, start, best_ids, best_scores):
    for q in numba.prange(rows.shape[0]):
        scan_question(q, sims, rows, exclude, start, best_ids, best_scores, cosmul_block, cosmul)


KERNELS = {"cosadd": scan_cosadd, "cosmul": scan_cosmul, "table": cosine_table}
