"""Numba kernels for word2vec training (skip-gram and CBOW, negative sampling).

Imported only when training starts (it imports numba); `import tokvec` never imports it.

The unit of work is a *chunk*: a run of whole sentences (about ``chunk_words`` ids). A chunk is
trained start to end by one thread with its own random state (the word2vec/gensim 48-bit LCG
``r = (r * 25214903917 + 11) mod 2**48``, seeded per (seed, epoch, chunk) by the driver), so a
chunk's random draws never depend on which thread ran it or what ran before. Threads take chunks
with ``numba.prange`` and update the shared weights without locks (Hogwild).

Per sentence: subsample (keep word ``w`` iff ``sample_int[w] >= rand32``), then for each centre
position draw the window shrink ``b = rand32 % window`` and ``negative`` noise words
(``bisect_left(cum_table, (r >> 16) % cum_table[-1])``, as gensim draws them; the bisection starts
from a bucket index over the table's values, which gives the same word in ~2 steps instead of ~15).
As in gensim, a score ``|u.v| >= 6`` (a saturated sigmoid) makes no update; its loss still counts.
A sentence's windows and noise words are all drawn first (in the order above, so the random numbers are the
same), then its positions are trained: while one position works, the next one's noise words' output rows
and the row entering its context are prefetched into cache (``tokvec._plumbing.prefetch``, a hint that changes
no value), which hides most of the memory latency of those scattered rows (CBOW -25 % CPU time, skip-gram -8 %).

* skip-gram, HogBatch (Ji et al. 2016): the ``negative`` noise words are drawn once per centre
  word and shared by all its context words. The ``m`` context input rows ``C`` (m, dim) are scored
  against the ``K + 1`` output rows ``T`` (K+1, dim) = [centre; noise] in one small product
  ``C @ T.T`` (m, K+1): ``T`` stays in L1 and the sampler runs once per window instead of once per
  pair. Each context row is updated as soon as its scores are done; the output rows' gradients
  are summed over the window and applied at its end.
* CBOW (cbow_mean=1): ``h`` = mean of the context input rows, scored against [centre; noise]; the
  output rows are updated one by one and the summed input error is added to every context row,
  exactly as word2vec/gensim do.

The sigmoid is exact (``1 / (1 + exp(-|f|))`` in float32, no lookup table): with the noise draws
made cheap it costs little, and it keeps the twin comparison and the loss exact.
Loss: for each update, ``-log s(u.v) - sum_k log s(-u.n_k)`` in float64 (noise words equal to the
centre are skipped, as their updates are), taken as one ``log`` of the product of the update's
probabilities; turning it off (``compute_loss=False``) measured no faster for CBOW. ``_reference.py``
is the plain NumPy twin: same updates, same order, same random numbers.

The kernels read one ``_reference.Job`` (a namedtuple: corpus, chunking, tables, schedule) and
write one ``_reference.Outputs``; ``serial`` and ``parallel`` are the same loop over chunks,
compiled with ``range`` and ``prange``. Deliberately left out: hierarchical softmax, locks, and
any Python-level state (the driver in ``word2vec`` owns it).
"""

from __future__ import annotations

import math

import numpy as np

from .._plumbing.jit import numba
from .._plumbing.prefetch import prefetch_row
from ._reference import LCG_ADD, LCG_MUL, MASK48, MAX_EXP, NOISE_BUCKET_SHIFT, Job, Outputs

_jit = numba.njit(cache=True, nogil=True, fastmath=True)


@numba.njit(cache=True, nogil=True, inline="always")
def lcg(r):
    return (r * np.uint64(LCG_MUL) + np.uint64(LCG_ADD)) & np.uint64(MASK48)


@numba.njit(cache=True, nogil=True, inline="always")
def draw_noise(cum_table, buckets, r):
    # bisect_left(cum_table, x), searched only between the bucket's bounds (same answer, ~1-3 steps)
    x = (r >> np.uint64(16)) % np.uint64(cum_table[cum_table.shape[0] - 1])
    b = x >> np.uint64(NOISE_BUCKET_SHIFT)
    lo, hi = buckets[b], min(buckets[b + 1] + 1, cum_table.shape[0])
    while lo < hi:
        mid = (lo + hi) >> 1
        if np.uint64(cum_table[mid]) < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True, nogil=True, inline="always")
def likelihood(f, e, positive):
    # sigmoid(f) if positive else sigmoid(-f), in float64 from e = exp(-|f|) (float32);
    # when e underflows, the probability is ~exp(-|f|): return 1 and the loss |f| to add directly
    if e < np.float32(1e-30):
        if (f >= 0) == positive:
            return 1.0, 0.0
        return 1.0, abs(np.float64(f))
    e64 = np.float64(e)
    if (f >= 0) == positive:
        return 1.0 / (1.0 + e64), 0.0
    return e64 / (1.0 + e64), 0.0


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def score(f, k, alpha, compute_loss, likely, loss):
    # the gradient scale (label - sigmoid(f)) * alpha of score f against target k (0: the centre, label 1;
    # noise: label 0), and the loss accumulators (product of probabilities, loss added directly) updated
    e = np.float32(math.exp(-abs(f)))
    sig = np.float32(1.0) / (np.float32(1.0) + e) if f >= 0 else e / (np.float32(1.0) + e)
    label = np.float32(1.0) if k == 0 else np.float32(0.0)
    if compute_loss:
        prob, big = likelihood(f, e, k == 0)
        likely *= prob
        loss += big
    return (label - sig) * alpha, likely, loss


@_jit
def train_chunk(job, syn0, syn1, c):
    """Train chunk ``c`` of ``job`` into ``syn0``/``syn1``; return (loss sum, updates, words kept).

    One function of ~130 lines on purpose: it is the hot loop, and numba compiles it as one unit
    (no calls, no temporaries between the sampling, the window and the updates), which is what makes
    it fast; the algorithm is described in the module docstring and, step by step, in ``_reference``.
    """
    cbow, ids, sent_starts, window, negative = job.cbow, job.ids, job.sent_starts, job.window, job.negative
    sample_int, use_sample, cum_table, buckets = job.sample_int, job.use_sample, job.cum_table, job.buckets
    alpha0, min_alpha, word_base, words_all = job.alpha0, job.min_alpha, job.word_base, job.words_all
    compute_loss = job.compute_loss
    s_lo, s_hi, r = job.chunk_sents[c], job.chunk_sents[c + 1], job.seeds[c]
    dim = syn0.shape[1]
    sent = np.empty(sent_starts[s_hi] - sent_starts[s_lo] + 1, np.int32)  # (chunk words,)
    targets = np.empty((sent.shape[0], negative + 1), np.int64)  # (chunk words, K+1): each position's centre, noise
    lows = np.empty(sent.shape[0], np.int64)
    highs = np.empty(sent.shape[0], np.int64)
    grad_out = np.empty((negative + 1, dim), np.float32)  # (K+1, dim)
    neu1e = np.empty(dim, np.float32)
    t_rows = np.empty((negative + 1, dim), np.float32)  # (K+1, dim) skip-gram: copies of the window's output rows
    u = np.empty(dim, np.float32)  # skip-gram: copy of the context word's input row
    h = np.empty(dim, np.float32)
    loss = 0.0
    updates = 0
    effective = 0
    r = np.uint64(r)
    for s in range(s_lo, s_hi):
        start, end = sent_starts[s], sent_starts[s + 1]
        progress = (word_base + start) / words_all
        alpha = np.float32(max(min_alpha, alpha0 - (alpha0 - min_alpha) * progress))
        n = 0
        for p in range(start, end):
            w = ids[p]
            if use_sample:
                keep = np.uint64(sample_int[w]) >= ((r >> np.uint64(16)) & np.uint64(0xFFFFFFFF))
                r = lcg(r)
                if not keep:
                    continue
            sent[n] = w
            n += 1
        effective += n
        for i in range(n):  # every position's window and noise words first, drawn in the order they are used
            b = np.int64(((r >> np.uint64(16)) & np.uint64(0xFFFFFFFF)) % np.uint64(window))
            r = lcg(r)
            lows[i] = max(0, i - window + b)
            highs[i] = min(n, i + window + 1 - b)
            if highs[i] - lows[i] <= 1:
                continue
            targets[i, 0] = sent[i]
            for k in range(1, negative + 1):
                targets[i, k] = draw_noise(cum_table, buckets, r)
                r = lcg(r)
        for i in range(n):
            lo, hi = lows[i], highs[i]
            if hi - lo <= 1:
                continue
            if i + 1 < n and highs[i + 1] - lows[i + 1] > 1:  # the next position's output rows, while this one works
                for k in range(negative + 1):
                    prefetch_row(syn1, targets[i + 1, k])
                prefetch_row(syn0, sent[highs[i + 1] - 1])
            centre = sent[i]
            if cbow:
                h[:] = 0.0
                for j in range(lo, hi):
                    if j != i:
                        c = sent[j]
                        for d in range(dim):
                            h[d] += syn0[c, d]
                inv = np.float32(1.0) / np.float32(hi - lo - 1)
                for d in range(dim):
                    h[d] *= inv
                neu1e[:] = 0.0
                likely = 1.0
                for k in range(negative + 1):
                    t = targets[i, k]
                    if k > 0 and t == centre:
                        continue
                    f = np.float32(0.0)
                    for d in range(dim):
                        f += h[d] * syn1[t, d]
                    g, likely, loss = score(f, k, alpha, compute_loss, likely, loss)
                    if abs(f) >= MAX_EXP:  # saturated: no update, as in gensim
                        continue
                    for d in range(dim):
                        neu1e[d] += g * syn1[t, d]
                    for d in range(dim):
                        syn1[t, d] += g * h[d]
                for j in range(lo, hi):
                    if j != i:
                        c = sent[j]
                        for d in range(dim):
                            syn0[c, d] += neu1e[d]
                if compute_loss:
                    loss -= math.log(likely)
                updates += 1
            else:
                grad_out[:] = 0.0
                for k in range(negative + 1):  # T: the window's output rows, unchanged until its end
                    t = targets[i, k]
                    for d in range(dim):
                        t_rows[k, d] = syn1[t, d]
                for j in range(lo, hi):
                    if j == i:
                        continue
                    c = sent[j]
                    for d in range(dim):
                        u[d] = syn0[c, d]
                    neu1e[:] = 0.0
                    likely = 1.0
                    for k in range(negative + 1):
                        t = targets[i, k]
                        if k > 0 and t == centre:
                            continue
                        f = np.float32(0.0)
                        for d in range(dim):
                            f += u[d] * t_rows[k, d]
                        g, likely, loss = score(f, k, alpha, compute_loss, likely, loss)
                        if abs(f) >= MAX_EXP:  # saturated: no update, as in gensim
                            continue
                        for d in range(dim):
                            neu1e[d] += g * t_rows[k, d]
                            grad_out[k, d] += g * u[d]
                    for d in range(dim):
                        syn0[c, d] += neu1e[d]
                    if compute_loss:
                        loss -= math.log(likely)
                    updates += 1
                for k in range(negative + 1):
                    t = targets[i, k]
                    if k > 0 and t == centre:
                        continue
                    for d in range(dim):
                        syn1[t, d] += grad_out[k, d]
    return loss, updates, effective


@_jit
def _run_one(job, syn0, syn1, c, out):
    out.loss[c], out.updates[c], out.words[c] = train_chunk(job, syn0, syn1, c)


# the same loop compiled twice: ``prange`` is ``range`` without parallel=True
@numba.njit(cache=True, nogil=True)
def serial(job, syn0, syn1, c_lo, c_hi, out):
    for c in range(c_lo, c_hi):
        _run_one(job, syn0, syn1, c, out)


@numba.njit(cache=True, nogil=True, parallel=True)
def parallel(job, syn0, syn1, c_lo, c_hi, out):
    for c in numba.prange(c_lo, c_hi):  # Hogwild: chunks share syn0/syn1 without locks
        _run_one(job, syn0, syn1, c, out)


def run_chunks(threads: int, job: Job, syn0: np.ndarray, syn1: np.ndarray, c_lo: int, c_hi: int, out: Outputs) -> None:
    """Train chunks ``[c_lo, c_hi)`` of ``job`` (as ``_reference.run_chunks``) on ``threads`` threads."""
    if threads <= 1:
        serial(job, syn0, syn1, c_lo, c_hi, out)
        return
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    parallel(job, syn0, syn1, c_lo, c_hi, out)
