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


def _update(job: SubwordJob, h: np.ndarray, syn1: np.ndarray, targets: list[int], alpha: np.float32,
            neu1e: np.ndarray) -> float:
    """Score ``h`` against the targets (the positive first; noise equal to it skipped), updating each output row
    at once and adding the input gradient to ``neu1e``; return the update's loss (0 unless ``compute_loss``)."""
    likely, loss = 1.0, 0.0
    for k, t in enumerate(targets):
        if k > 0 and t == targets[0]:
            continue
        f = np.float32(np.dot(h, syn1[t]))
        sig, prob, big = _sigmoid_likelihood(f, k == 0)
        likely *= prob
        loss += big
        if abs(f) < MAX_EXP:  # saturated: no update, as in gensim
            g = (np.float32(k == 0) - sig) * alpha
            neu1e += g * syn1[t]
            syn1[t] += g * h
    return loss - math.log(likely) if job.compute_loss else 0.0


def _noise(job: SubwordJob, cum: list[int], r: int) -> tuple[list[int], int]:
    out = []
    for _ in range(job.negative):
        out.append(bisect.bisect_left(cum, (r >> 16) % cum[-1]))
        r = _lcg(r)
    return out, r


def _rows(job: SubwordJob, w: int) -> np.ndarray:
    return job.rows[job.row_starts[w]:job.row_starts[w + 1]]


def _window(job: SubwordJob, syn0, syn1, cum, sent, i, lo, hi, alpha, r) -> tuple[float, int, int]:
    """The update(s) of centre ``sent[i]`` with context ``sent[lo:hi]``: (loss, updates, random state)."""
    centre = sent[i]
    context = [sent[j] for j in range(lo, hi) if j != i]
    neu1e = np.zeros(syn0.shape[1], np.float32)
    if job.cbow:  # the mean of every row of every context word, predicting the centre
        noise, r = _noise(job, cum, r)
        bag = np.concatenate([_rows(job, c) for c in context])
        h = compose(syn0, bag)
        loss = _update(job, h, syn1, [centre, *noise], alpha, neu1e)
        for row in bag:
            syn0[row] += neu1e
        return loss, 1, r
    mine = _rows(job, centre)  # skip-gram: the centre's composed vector predicting each context word
    h = compose(syn0, mine)
    loss = 0.0
    for c in context:
        noise, r = _noise(job, cum, r)
        loss += _update(job, h, syn1, [c, *noise], alpha, neu1e)
    for row in mine:
        syn0[row] += neu1e
    return loss, len(context), r


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
        for i in range(n):
            b = _rand32(r) % job.window
            r = _lcg(r)
            lo, hi = max(0, i - job.window + b), min(n, i + job.window + 1 - b)
            if hi - lo <= 1:
                continue
            window_loss, window_updates, r = _window(job, syn0, syn1, cum, sent, i, lo, hi, alpha, r)
            loss += window_loss
            updates += window_updates
    return loss, updates, effective


def run_chunks(threads: int, job: SubwordJob, syn0: np.ndarray, syn1: np.ndarray, c_lo: int, c_hi: int,
               out: Outputs) -> None:
    """Train chunks ``[c_lo, c_hi)`` of ``job`` in order (``threads`` is ignored); per-chunk results go to ``out``."""
    for c in range(c_lo, c_hi):
        out.loss[c], out.updates[c], out.words[c] = train_chunk(job, syn0, syn1, c)
