"""numba kernels for ``tokvec._analogy``: the running top-k scan over a per-chunk cosine table.

Kept in their own module, at module level, so that ``cache=True`` works (numba cannot reuse cached
code for closures over other compiled functions) and so that ``tokvec._analogy`` imports numba only
when a scan runs. ``tokvec._analogy.scan_reference`` is the plain NumPy twin; tests compare them.
"""

from __future__ import annotations

import numba
import numpy as np

BLOCK = 64  # rows scored together: a vectorised pass, then a scalar insert pass only if one beats the k-th best
EPS = np.float32(1e-6)  # Levy & Goldberg's epsilon (= tokvec._analogy.COSMUL_EPSILON, checked by tests)
HALF = np.float32(0.5)
ONE = np.float32(1.0)


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


KERNELS = {"cosadd": scan_cosadd, "cosmul": scan_cosmul}
