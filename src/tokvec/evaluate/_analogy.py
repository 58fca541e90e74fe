"""Answer many analogy questions at once: a cosine table per vocabulary chunk and a compiled top-k scan.

An analogy benchmark asks tens of thousands of questions ``a : b :: c : ?`` built from a
few hundred distinct words. Both objectives depend on a candidate row ``x`` only through
its cosines with ``a``, ``b`` and ``c``:

- 3CosAdd ranks by ``cos(x, unit(b̂ + ĉ - â))``, which orders rows exactly as
  ``cos(x, b) + cos(x, c) - cos(x, a)`` does (the norm of the query is the same for every row);
- 3CosMul ranks by ``(1+cos(x,b))/2 * (1+cos(x,c))/2 / ((1+cos(x,a))/2 + 1e-6)``.

So per chunk of vocabulary rows we compute the cosines of the *distinct question words* with
the chunk (a ``(words, rows)`` table: ~20x fewer flops than one query vector per question), and
a kernel (``_analogy_kernels``: LLVM IR, compiled with llvmlite) combines three rows of that table per
question while keeping a running top-k.
Peak extra memory is about ``chunk_bytes`` plus ``(questions, k)`` candidates.

The float32 scan only nominates ``k`` candidates per question; ``rescore`` ranks them again
in float64 from the stored vectors, so the final order does not depend on chunking, BLAS or
thread count. ``scan_reference`` is the plain NumPy twin of the kernel used by tests.

Deliberately left out: reading benchmark files and the gensim protocol (``tokvec.evaluate.analogy``).
"""

from __future__ import annotations

import numpy as np

from ..search.exact import Method

COSMUL_EPSILON = 1e-6  # Levy & Goldberg's epsilon, as gensim's most_similar_cosmul uses it

SCAN_CHUNK_BYTES = 4 * 2**20  # the per-chunk cosine table; small enough to stay in cache

ROW_ALIGN = 64  # chunks hold whole kernel blocks (``_analogy_kernels.BLOCK``) where possible


def kernels() -> dict:
    """The compiled kernels: ``"table"`` (cosine table) and the scans ``"cosadd"``, ``"cosmul"``.

    Imported on first use (llvmlite, then the kernels compiled or loaded from the cache): reading files needs
    none of it.
    """
    from ._analogy_kernels import KERNELS

    return KERNELS


def cosine_table_reference(words: np.ndarray, block_t: np.ndarray, inv_norms: np.ndarray) -> np.ndarray:
    """Plain NumPy twin of the table kernel, same float32 operations in the same order. Shape (W, r)."""
    out = np.zeros((words.shape[0], block_t.shape[1]), dtype=np.float32)
    for d in range(block_t.shape[0]):
        out += words[:, d : d + 1] * block_t[d]  # (W, 1) * (r,) -> (W, r)
    out *= inv_norms
    return out


def combine_reference(sims: np.ndarray, rows: np.ndarray, method: Method) -> np.ndarray:
    """The objective of every question on every row of ``sims``: shape (Q, r), float32."""
    sa, sb, sc = (sims[rows[:, i]] for i in range(3))  # each (Q, r)
    if method == "cosadd":
        return sb + sc - sa
    half, one = np.float32(0.5), np.float32(1.0)
    return ((one + sb) * half) * ((one + sc) * half) / ((one + sa) * half + np.float32(COSMUL_EPSILON))


def scan_reference(sims, rows, exclude, start, method: Method, best_ids, best_scores) -> None:
    """Plain NumPy twin of the kernel: same arguments, same in-place result."""
    k = best_ids.shape[1]
    scores = combine_reference(sims, rows, method)  # (Q, r)
    gids = np.arange(start, start + sims.shape[1], dtype=np.int64)
    for q in range(rows.shape[0]):
        keep = ~np.isin(gids, exclude[q]) & (scores[q] > best_scores[q, k - 1])
        ids = np.concatenate([best_ids[q], gids[keep]])
        vals = np.concatenate([best_scores[q], scores[q][keep]])
        order = np.lexsort((ids, -vals))[:k]  # (-score, id): ties keep the lower id
        best_ids[q], best_scores[q] = ids[order], vals[order]


def candidates(
    matrix: np.ndarray,
    inv_norms: np.ndarray,
    word_ids: np.ndarray,
    rows: np.ndarray,
    exclude: np.ndarray,
    *,
    method: Method,
    k: int,
    stop: int,
    chunk_bytes: int = SCAN_CHUNK_BYTES,
    kernel: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best rows in ``[0, stop)`` for every question by the float32 objective.

    ``word_ids`` (W,) are the distinct question words; ``rows`` (Q, 3) index into them for
    a, b, c; ``exclude`` (Q, 3) are row ids never returned (the question words). Returns ids
    (Q, k) int64 and scores (Q, k) float32, best first; id ``-1`` and score ``-inf`` where
    fewer than k rows remain. ``kernel=False`` runs the NumPy twin.
    """
    n_questions = rows.shape[0]
    best_ids = np.full((n_questions, k), -1, dtype=np.int64)
    best_scores = np.full((n_questions, k), -np.inf, dtype=np.float32)
    if n_questions == 0 or stop <= 0:
        return best_ids, best_scores
    words = _unit_rows(matrix, np.asarray(word_ids)).astype(np.float32)  # (W, dim)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    exclude = np.ascontiguousarray(exclude, dtype=np.int64)
    # the (W, r) table should stay in cache while every question reads three of its rows
    step = max(ROW_ALIGN, chunk_bytes // (4 * (len(word_ids) + matrix.shape[1])) // ROW_ALIGN * ROW_ALIGN)
    compiled = kernels() if kernel else None
    inv_norms = np.asarray(inv_norms, dtype=np.float32)
    sims = np.empty((len(word_ids), step), dtype=np.float32)
    for start in range(0, stop, step):
        end = min(start + step, stop)
        block_t = np.ascontiguousarray(np.asarray(matrix[start:end], dtype=np.float32).T)  # (dim, r)
        if compiled is not None:
            if end - start != sims.shape[1]:
                sims = np.empty((len(word_ids), end - start), dtype=np.float32)  # the last, shorter chunk
            compiled["table"](words, block_t, inv_norms[start:end], sims)  # (W, r) cosines
            compiled[method](sims, rows, exclude, start, best_ids, best_scores)
        else:
            sims = cosine_table_reference(words, block_t, inv_norms[start:end])
            scan_reference(sims, rows, exclude, start, method, best_ids, best_scores)
    return best_ids, best_scores


def rescore(
    matrix: np.ndarray, questions: np.ndarray, cand: np.ndarray, method: Method, batch: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """Rank each question's candidates again in float64; returns (ids, scores), best first.

    ``questions`` (Q, 3) are the row ids of a, b, c; ``cand`` (Q, k) candidate ids (``-1`` =
    none). 3CosAdd scores are the cosine with ``unit(b̂ + ĉ - â)`` (gensim's ``most_similar``
    value); 3CosMul scores are the objective above. Ties break by lower id; missing
    candidates sort last with score ``-inf``.
    """
    ids_out = np.empty_like(cand)
    scores_out = np.empty(cand.shape, dtype=np.float64)
    # every row involved, made a unit vector once (not once per question that names it)
    ids, at = np.unique(np.concatenate([questions.ravel(), np.maximum(cand, 0).ravel()]), return_inverse=True)
    units_of = _unit_rows(matrix, ids)  # (U, dim)
    question_at, cand_at = at[: questions.size].reshape(questions.shape), at[questions.size :].reshape(cand.shape)
    for lo in range(0, len(cand), batch):
        c = cand[lo : lo + batch]  # (B, k)
        units = units_of[question_at[lo : lo + batch]]  # (B, 3, dim)
        rows = units_of[cand_at[lo : lo + batch]]  # (B, k, dim)
        if method == "cosadd":
            query = units[:, 1] + units[:, 2] - units[:, 0]  # (B, dim)
            norm = np.linalg.norm(query, axis=1, keepdims=True)
            query = np.divide(query, norm, out=np.zeros_like(query), where=norm > 0)
            scores = (rows @ query[:, :, None])[:, :, 0]  # (B, k)
        else:
            cos = units @ rows.transpose(0, 2, 1)  # (B, 3, k)
            shifted = (1.0 + cos) / 2.0
            scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + COSMUL_EPSILON)
        scores = np.where(c >= 0, scores, -np.inf)
        order = np.lexsort((c, -scores), axis=1)
        ids_out[lo : lo + batch] = np.take_along_axis(c, order, axis=1)
        scores_out[lo : lo + batch] = np.take_along_axis(scores, order, axis=1)
    return ids_out, scores_out


def _unit_rows(matrix: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rows ``ids`` of ``matrix`` scaled to unit length, float64 (a zero row stays zero). Shape (len(ids), dim)."""
    rows = np.asarray(matrix[ids], dtype=np.float64)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
