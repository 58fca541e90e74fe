"""Plain NumPy/Python twin of ``_fasttext_kernels``: the same updates, in the same order, with the same random numbers.

Used by tests to check the numba kernels on tiny corpora (one thread, fixed seed); far too slow for real
training. See ``_fasttext_kernels`` for the algorithm. It also defines the kernels' interface,
``SubwordJob``, as plain NumPy (so the driver never imports numba to build it).

Deliberately left out: speed, threads (``threads`` is ignored) and the bucketed noise search.
"""

from __future__ import annotations

import bisect
import math
from typing import NamedTuple

import numpy as np

from ._reference import MAX_EXP, Outputs, _lcg, _rand32, _sentence, _sigmoid_likelihood


class SubwordJob(NamedTuple):
    """Everything the subword kernels read: ``_reference.Job``'s fields plus each word's input rows.

    Word ``w``'s input rows are ``rows[row_starts[w]:row_starts[w + 1]]``: its own row ``w`` first, then
    ``V + h`` for each of its n-gram buckets ``h`` in fastText's order (the input matrix is
    ``(V + bucket, dim)``, words then buckets, as in a fastText ``.bin``).
    """

    cbow: bool
    ids: np.ndarray
    sent_starts: np.ndarray
    chunk_sents: np.ndarray
    seeds: np.ndarray
    sample_int: np.ndarray
    use_sample: bool
    cum_table: np.ndarray
    buckets: np.ndarray
    window: int
    negative: int
    alpha0: float
    min_alpha: float
    word_base: int
    words_all: float
    compute_loss: bool
    row_starts: np.ndarray  # (V + 1,) int64
    rows: np.ndarray  # (total,) int64


def compose(syn0: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The mean of ``syn0[rows]``, summed in float32 in order, times ``float32(1 / len(rows))``: ``(dim,)``."""
    h = np.zeros(syn0.shape[1], np.float32)
    for row in rows:
        h += syn0[row]
    return h * np.float32(1.0 / len(rows))


def _predict(h: np.ndarray, syn1: np.ndarray, t: int, positive: bool, scale: int, alpha: np.float32,
             neu1e: np.ndarray) -> tuple[float, float]:
    """Score ``h`` against output row ``t``; unless saturated, add ``scale`` times the gradient to ``neu1e`` and
    to ``syn1[t]`` (updated at once). Return (probability of the label, loss to add directly)."""
    f = np.float32(np.dot(h, syn1[t]))
    sig, prob, big = _sigmoid_likelihood(f, positive)
    if abs(f) < MAX_EXP:  # saturated: no update, as in gensim
        g = (np.float32(positive) - sig) * alpha * np.float32(scale)
        neu1e += g * syn1[t]
        syn1[t] += g * h
    return prob, big


def _noise(job: SubwordJob, cum: list[int], r: int) -> tuple[list[int], int]:
    out = []
    for _ in range(job.negative):
        out.append(bisect.bisect_left(cum, (r >> 16) % cum[-1]))
        r = _lcg(r)
    return out, r


def _rows(job: SubwordJob, w: int) -> np.ndarray:
    return job.rows[job.row_starts[w]:job.row_starts[w + 1]]


def _loss(job: SubwordJob, likely: float, big: float) -> float:
    return big - math.log(likely) if job.compute_loss else 0.0


def _skipgram(job: SubwordJob, syn0, syn1, noise: list[int], centre: int, context: list[int], alpha) -> float:
    """One window: the centre's vector (composed once) predicts each context word, then the shared noise words
    (each scored once, its gradient times the number of pairs it is noise for); returns the pairs' loss."""
    mine = _rows(job, centre)
    h = compose(syn0, mine)  # (dim,)
    neu1e = np.zeros(syn0.shape[1], np.float32)
    loss = 0.0
    for c in context:
        prob, big = _predict(h, syn1, c, True, 1, alpha, neu1e)
        loss += _loss(job, prob, big)
    for t in noise:
        pairs = sum(1 for c in context if c != t)  # a noise word equal to a pair's context word is skipped there
        if pairs:
            prob, big = _predict(h, syn1, t, False, pairs, alpha, neu1e)
            loss += pairs * _loss(job, prob, big)
    for row in mine:
        syn0[row] += neu1e
    return loss


def _cbow_sentence(job: SubwordJob, syn0, syn1, cum, sent: list[int], alpha, r: int) -> tuple[float, int, int]:
    """CBOW over one sentence: each position's row sum is composed when a window first reaches it and its summed
    gradient applied to its rows once no later window can reach it. Returns (loss, updates, random state)."""
    n, dim, window = len(sent), syn0.shape[1], job.window
    sums = np.zeros((n, dim), np.float32)  # (n, dim) each position's sum of rows
    grads = np.zeros((n, dim), np.float32)  # (n, dim) each position's summed gradient
    composed = applied = 0
    loss, updates = 0.0, 0
    for i in range(n):
        b = _rand32(r) % window
        r = _lcg(r)
        lo, hi = max(0, i - window + b), min(n, i + window + 1 - b)
        if hi - lo > 1:
            noise, r = _noise(job, cum, r)
            for p in range(composed, hi):
                for row in _rows(job, sent[p]):
                    sums[p] += syn0[row]
            composed = max(composed, hi)
            h = np.zeros(dim, np.float32)
            size = 0
            for j in range(lo, hi):
                if j != i:
                    h += sums[j]
                    size += len(_rows(job, sent[j]))
            h *= np.float32(1.0 / size)
            neu1e = np.zeros(dim, np.float32)
            likely, big = 1.0, 0.0
            for k, t in enumerate([sent[i], *noise]):
                if k > 0 and t == sent[i]:
                    continue
                prob, more = _predict(h, syn1, t, k == 0, 1, alpha, neu1e)
                likely, big = likely * prob, big + more
            loss += _loss(job, likely, big)
            updates += 1
            for j in range(lo, hi):
                if j != i:
                    grads[j] += neu1e
        last = composed if i == n - 1 else min(i + 1 - window, composed)
        for p in range(applied, max(applied, last)):
            for row in _rows(job, sent[p]):
                syn0[row] += grads[p]
        applied = max(applied, last)
    return loss, updates, r


def train_chunk(job: SubwordJob, syn0: np.ndarray, syn1: np.ndarray, c: int) -> tuple[float, int, int]:
    """Train chunk ``c``; return (loss sum, number of updates, words kept by subsampling)."""
    cum = [int(x) for x in job.cum_table]
    loss, updates, effective = 0.0, 0, 0
    r = int(job.seeds[c])
    for s in range(int(job.chunk_sents[c]), int(job.chunk_sents[c + 1])):
        progress = (job.word_base + int(job.sent_starts[s])) / job.words_all
        alpha = np.float32(max(job.min_alpha, job.alpha0 - (job.alpha0 - job.min_alpha) * progress))
        sent, r = _sentence(job, s, r)  # type: ignore[arg-type]
        n = len(sent)
        effective += n
        if job.cbow:
            more, count, r = _cbow_sentence(job, syn0, syn1, cum, sent, alpha, r)
            loss, updates = loss + more, updates + count
            continue
        for i in range(n):
            b = _rand32(r) % job.window
            r = _lcg(r)
            lo, hi = max(0, i - job.window + b), min(n, i + job.window + 1 - b)
            if hi - lo <= 1:
                continue
            noise, r = _noise(job, cum, r)
            context = [sent[j] for j in range(lo, hi) if j != i]
            loss += _skipgram(job, syn0, syn1, noise, sent[i], context, alpha)
            updates += len(context)
    return loss, updates, effective


def run_chunks(threads: int, job: SubwordJob, syn0: np.ndarray, syn1: np.ndarray, c_lo: int, c_hi: int,
               out: Outputs) -> None:
    """Train chunks ``[c_lo, c_hi)`` of ``job`` in order (``threads`` is ignored); per-chunk results go to ``out``."""
    for c in range(c_lo, c_hi):
        out.loss[c], out.updates[c], out.words[c] = train_chunk(job, syn0, syn1, c)
