"""Numba kernels for fastText training: skip-gram and CBOW with character n-gram subwords, negative sampling.

Imported only when training starts (it imports numba); `import tokvec` never imports it.

The input matrix ``syn0`` is ``(V + bucket, dim)``: the words' own rows, then the n-gram buckets (a fastText
``.bin``'s layout). Word ``w``'s input rows are ``job.rows[job.row_starts[w]:job.row_starts[w + 1]]`` (its
own row, then its n-grams' buckets); its *input vector* is their mean, summed in float32 in that order.
Chunks, random states, subsampling, window shrink, noise draws, the learning-rate schedule, the exact
sigmoid, the ``|f| >= 6`` saturation rule and the loss are those of the word2vec kernels (``_kernels``),
which this module shares its helpers with.

* skip-gram (fastText's ``FastText::skipgram``, gensim's ``fasttext_fast_sentence_sg_neg``): the centre
  word's input vector predicts each context word; output rows are updated at once. Deliberate deviation,
  for speed (HogBatch-like, as the word2vec kernel): the centre's vector is composed once per window, the
  ``negative`` noise words are drawn once per window and each is scored once, its gradient multiplied by
  the number of the window's pairs it is noise for (a noise word equal to a pair's context word is skipped
  for that pair), and the summed input gradient is added to every row of the centre at the window's end.
  fastText and gensim recompose the centre, draw fresh noise words and apply the gradient for every pair.
* CBOW (``FastText::cbow``, gensim's ``cbow_mean=1``): the mean over the bag of every context word's rows
  predicts the centre, and the input gradient is added in full to every row of the bag. Deliberate
  deviation, for speed: each sentence position's row sum is computed once, when a window first reaches it,
  and the gradients of all the centres it is context for are summed and added to its rows once no later
  window can reach it (at most ``2 * window`` centres later); a ring of ``2 * window + 2`` slots holds
  them. fastText and gensim re-sum and update every context word's rows for every centre.

Both add the gradient in full to every input row (no ``1 / n``). ``_fasttext_reference.py`` is the plain
NumPy twin: same updates, same order, same random numbers.

Deliberately left out: hierarchical softmax, word n-grams (``wordNgrams``), locks, and any Python-level state.
"""

from __future__ import annotations

import math

import numpy as np

from .._plumbing.jit import numba
from ._fasttext_reference import SubwordJob
from ._kernels import draw_noise, lcg, score
from ._reference import MAX_EXP, Outputs

_jit = numba.njit(cache=True, nogil=True, fastmath=True)


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def predict(h, syn1, t, positive, scale, alpha, neu1e):
    """Score ``h`` against output row ``t``; unless saturated add ``scale`` times the gradient to ``neu1e`` and to
    ``syn1[t]`` (at once). Return (probability of the label, loss to add directly), as ``_fasttext_reference``."""
    dim = h.shape[0]
    f = np.float32(0.0)
    for d in range(dim):
        f += h[d] * syn1[t, d]
    g, prob, big = score(f, 0 if positive else 1, alpha, True, 1.0, 0.0)
    if abs(f) < MAX_EXP:  # saturated: no update, as in gensim
        g = g * np.float32(scale)
        for d in range(dim):
            neu1e[d] += g * syn1[t, d]
            syn1[t, d] += g * h[d]
    return prob, big


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def add_rows(syn0, rows, lo, hi, out):
    """``out += syn0[rows[lo:hi]]`` row by row, in order (float32)."""
    dim = out.shape[0]
    for q in range(lo, hi):
        row = rows[q]
        for d in range(dim):
            out[d] += syn0[row, d]


@numba.njit(cache=True, nogil=True, fastmath=True, inline="always")
def add_to_rows(syn0, rows, lo, hi, grad):
    """``syn0[rows[lo:hi]] += grad``, row by row."""
    dim = grad.shape[0]
    for q in range(lo, hi):
        row = rows[q]
        for d in range(dim):
            syn0[row, d] += grad[d]


@_jit
def train_chunk(job, syn0, syn1, c):
    """Train chunk ``c`` of ``job`` into ``syn0``/``syn1``; return (loss sum, updates, words kept).

    The hot loop in one compiled unit (subsampling, windows, composing, updates); the algorithm is in the
    module docstring and, step by step, in ``_fasttext_reference``.
    """
    cbow, ids, sent_starts, window, negative = job.cbow, job.ids, job.sent_starts, job.window, job.negative
    sample_int, use_sample, cum_table, buckets = job.sample_int, job.use_sample, job.cum_table, job.buckets
    row_starts, rows, compute_loss = job.row_starts, job.rows, job.compute_loss
    s_lo, s_hi, r = job.chunk_sents[c], job.chunk_sents[c + 1], np.uint64(job.seeds[c])
    dim = syn0.shape[1]
    ring = 2 * window + 2  # CBOW: positions alive at once (composed, gradient not yet applied) fit in the ring
    sums = np.empty((ring, dim), np.float32)  # (ring, dim) CBOW: row sums of the positions in reach
    grads = np.empty((ring, dim), np.float32)  # (ring, dim) CBOW: their summed gradients
    sent = np.empty(sent_starts[s_hi] - sent_starts[s_lo] + 1, np.int32)  # (chunk words,)
    noise = np.empty(negative, np.int64)
    neu1e = np.empty(dim, np.float32)
    h = np.empty(dim, np.float32)
    loss = 0.0
    updates = 0
    effective = 0
    for s in range(s_lo, s_hi):
        start, end = sent_starts[s], sent_starts[s + 1]
        progress = (job.word_base + start) / job.words_all
        alpha = np.float32(max(job.min_alpha, job.alpha0 - (job.alpha0 - job.min_alpha) * progress))
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
        composed = 0
        applied = 0
        for i in range(n):
            b = np.int64(((r >> np.uint64(16)) & np.uint64(0xFFFFFFFF)) % np.uint64(window))
            r = lcg(r)
            lo = max(0, i - window + b)
            hi = min(n, i + window + 1 - b)
            if hi - lo > 1:
                for k in range(negative):
                    noise[k] = draw_noise(cum_table, buckets, r)
                    r = lcg(r)
                neu1e[:] = 0.0
                h[:] = 0.0
                if cbow:
                    for p in range(composed, hi):
                        sums[p % ring, :] = 0.0
                        grads[p % ring, :] = 0.0
                        add_rows(syn0, rows, row_starts[sent[p]], row_starts[sent[p] + 1], sums[p % ring])
                    composed = max(composed, hi)
                    size = 0
                    for j in range(lo, hi):
                        if j != i:
                            for d in range(dim):
                                h[d] += sums[j % ring, d]
                            size += row_starts[sent[j] + 1] - row_starts[sent[j]]
                    inv = np.float32(1.0 / size)
                    for d in range(dim):
                        h[d] *= inv
                    likely, big = predict(h, syn1, sent[i], True, 1, alpha, neu1e)
                    for k in range(negative):
                        if noise[k] != sent[i]:
                            prob, more = predict(h, syn1, noise[k], False, 1, alpha, neu1e)
                            likely *= prob
                            big += more
                    if compute_loss:
                        loss += big - math.log(likely)
                    updates += 1
                    for j in range(lo, hi):
                        if j != i:
                            for d in range(dim):
                                grads[j % ring, d] += neu1e[d]
                else:
                    w = sent[i]
                    add_rows(syn0, rows, row_starts[w], row_starts[w + 1], h)
                    inv = np.float32(1.0 / (row_starts[w + 1] - row_starts[w]))
                    for d in range(dim):
                        h[d] *= inv
                    for j in range(lo, hi):
                        if j != i:
                            prob, big = predict(h, syn1, sent[j], True, 1, alpha, neu1e)
                            if compute_loss:
                                loss += big - math.log(prob)
                    for k in range(negative):
                        pairs = 0
                        for j in range(lo, hi):
                            if j != i and sent[j] != noise[k]:
                                pairs += 1
                        if pairs:
                            prob, big = predict(h, syn1, noise[k], False, pairs, alpha, neu1e)
                            if compute_loss:
                                loss += pairs * (big - math.log(prob))
                    updates += hi - lo - 1
                    add_to_rows(syn0, rows, row_starts[w], row_starts[w + 1], neu1e)
            if cbow:
                last = composed if i == n - 1 else min(i + 1 - window, composed)
                for p in range(applied, last):
                    add_to_rows(syn0, rows, row_starts[sent[p]], row_starts[sent[p] + 1], grads[p % ring])
                applied = max(applied, last)
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


def run_chunks(threads: int, job: SubwordJob, syn0: np.ndarray, syn1: np.ndarray, c_lo: int, c_hi: int,
               out: Outputs) -> None:
    """Train chunks ``[c_lo, c_hi)`` of ``job`` (as ``_fasttext_reference.run_chunks``) on ``threads`` threads."""
    if threads <= 1:
        serial(job, syn0, syn1, c_lo, c_hi, out)
        return
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    parallel(job, syn0, syn1, c_lo, c_hi, out)
