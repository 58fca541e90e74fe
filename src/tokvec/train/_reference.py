"""Plain NumPy/Python twin of ``_kernels``: the same updates, in the same order, with the same random numbers.

Used by tests to check the numba kernels on tiny corpora (one thread, fixed seed); far too slow
for real training. See ``_kernels`` for the algorithm. It also defines the kernels' interface, ``Job``
and ``Outputs``, as plain NumPy (so the driver never imports numba to build them).

Deliberately left out: speed, threads (``threads`` is ignored) and the bucketed noise search.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

LCG_MUL = 25214903917
LCG_ADD = 11
MASK48 = (1 << 48) - 1
MAX_EXP = 6.0  # |u.v| >= MAX_EXP: the sigmoid is saturated and no update is made (gensim's rule)
NOISE_BUCKET_SHIFT = 16  # the kernel narrows its noise-table bisection to buckets of 2**16 table values


def noise_buckets(cum_table: np.ndarray) -> np.ndarray:
    """``bisect_left(cum_table, b << NOISE_BUCKET_SHIFT)`` for every bucket ``b`` (and one past the end), int64."""
    n = (int(cum_table[-1]) >> NOISE_BUCKET_SHIFT) + 2
    edges = np.arange(n, dtype=np.int64) << NOISE_BUCKET_SHIFT
    return np.searchsorted(cum_table.astype(np.int64), edges, side="left").astype(np.int64)


def _lcg(r: int) -> int:
    return (r * LCG_MUL + LCG_ADD) & MASK48


def _rand32(r: int) -> int:
    return (r >> 16) & 0xFFFFFFFF


def _sigmoid_likelihood(f: np.float32, positive: bool) -> tuple[np.float32, float, float]:
    """(sigmoid(f) in float32, the probability of the label in float64, loss to add directly).

    The probability is ``sigmoid(f)`` for the positive target and ``sigmoid(-f)`` for a noise word;
    the loss of an update is ``-log`` of the product of its probabilities. When ``exp(-|f|)``
    underflows the probability is ~``exp(-|f|)``: it counts as 1 and ``|f|`` is added directly.
    """
    e = np.float32(np.exp(np.float32(-abs(f))))
    sig = np.float32(1.0) / (np.float32(1.0) + e) if f >= 0 else e / (np.float32(1.0) + e)
    agree = (f >= 0) == positive
    if e < np.float32(1e-30):
        return np.float32(sig), 1.0, 0.0 if agree else abs(float(f))
    e64 = float(e)
    return np.float32(sig), (1.0 / (1.0 + e64) if agree else e64 / (1.0 + e64)), 0.0


class Job(NamedTuple):
    """Everything the kernels read (one argument instead of sixteen); numba passes it as a tuple.

    Chunk ``c`` is sentences ``[chunk_sents[c], chunk_sents[c + 1])`` of the encoded corpus (``ids``
    split at ``sent_starts``) with random state ``seeds[c]``. ``sample_int``/``use_sample`` are the
    subsampling thresholds, ``cum_table`` the noise distribution and ``buckets``
    (``noise_buckets(cum_table)``) only speeds up the kernel's noise draws (the twin bisects the whole
    table). ``word_base`` (= epoch * corpus ids) and ``words_all`` (= epochs * corpus ids) place each
    sentence on the linear learning-rate schedule from ``alpha0`` to ``min_alpha``.
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


class Outputs(NamedTuple):
    """Per-chunk results the kernels write: loss sum (float64), updates and words kept (int64), ``(chunks,)`` each."""

    loss: np.ndarray
    updates: np.ndarray
    words: np.ndarray


def _sentence(job: Job, s: int, r: int) -> tuple[list[int], int]:
    """Sentence ``s`` after subsampling, and the random state after it."""
    sent = []
    for p in range(int(job.sent_starts[s]), int(job.sent_starts[s + 1])):
        w = int(job.ids[p])
        if job.use_sample:
            keep = int(job.sample_int[w]) >= _rand32(r)
            r = _lcg(r)
            if not keep:
                continue
        sent.append(w)
    return sent, r


def _score_targets(job: Job, u: np.ndarray, syn1: np.ndarray, targets: list[int], alpha: np.float32,
                   update: Callable[[int, int, np.float32], None]) -> float:
    """Score input row ``u`` against each target in turn (the centre, then the noise words not equal to it),
    calling ``update(k, t, g)`` unless saturated; return this update's loss (0 unless ``compute_loss``)."""
    likely, loss = 1.0, 0.0
    for k, t in enumerate(targets):
        if k > 0 and t == targets[0]:
            continue
        f = np.float32(np.dot(u, syn1[t]))
        sig, prob, big = _sigmoid_likelihood(f, k == 0)
        likely *= prob
        loss += big
        if abs(f) < MAX_EXP:  # saturated: no update, as in gensim
            update(k, t, (np.float32(k == 0) - sig) * alpha)
    return loss - math.log(likely) if job.compute_loss else 0.0


def _cbow(job: Job, syn0, syn1, context: list[int], targets: list[int], alpha) -> float:
    """One CBOW update of the centre ``targets[0]``; returns its loss."""
    h = np.zeros(syn0.shape[1], np.float32)
    for c in context:
        h += syn0[c]
    h *= np.float32(1.0) / np.float32(len(context))  # (dim,)
    neu1e = np.zeros(syn0.shape[1], np.float32)

    def update(k: int, t: int, g: np.float32) -> None:
        neu1e[:] += g * syn1[t]
        syn1[t] += g * h

    loss = _score_targets(job, h, syn1, targets, alpha, update)
    for c in context:
        syn0[c] += neu1e
    return loss


def _skipgram(job: Job, syn0, syn1, context: list[int], targets: list[int], alpha) -> float:
    """The skip-gram updates of one window (one per context word; output rows updated at the end); returns the loss."""
    grad_out = np.zeros((len(targets), syn0.shape[1]), np.float32)  # (K+1, dim)
    loss = 0.0
    for c in context:
        neu1e = np.zeros(syn0.shape[1], np.float32)

        def update(k: int, t: int, g: np.float32, c: int = c, neu1e: np.ndarray = neu1e) -> None:
            neu1e += g * syn1[t]
            grad_out[k] += g * syn0[c]

        loss += _score_targets(job, syn0[c], syn1, targets, alpha, update)
        syn0[c] += neu1e
    for k, t in enumerate(targets):
        if k > 0 and t == targets[0]:
            continue
        syn1[t] += grad_out[k]
    return loss


def train_chunk(job: Job, syn0: np.ndarray, syn1: np.ndarray, c: int) -> tuple[float, int, int]:
    """Train chunk ``c``; return (loss sum, number of updates, words kept by subsampling)."""
    cum = [int(x) for x in job.cum_table]
    window, alpha0, min_alpha = job.window, job.alpha0, job.min_alpha
    loss, updates, effective = 0.0, 0, 0
    r = int(job.seeds[c])
    for s in range(int(job.chunk_sents[c]), int(job.chunk_sents[c + 1])):
        progress = (job.word_base + int(job.sent_starts[s])) / job.words_all
        alpha = np.float32(max(min_alpha, alpha0 - (alpha0 - min_alpha) * progress))
        sent, r = _sentence(job, s, r)
        n = len(sent)
        effective += n
        for i in range(n):
            b = _rand32(r) % window
            r = _lcg(r)
            lo, hi = max(0, i - window + b), min(n, i + window + 1 - b)
            if hi - lo <= 1:
                continue
            targets = [sent[i]]
            for _ in range(job.negative):
                targets.append(bisect.bisect_left(cum, (r >> 16) % cum[-1]))
                r = _lcg(r)
            context = [sent[j] for j in range(lo, hi) if j != i]
            if job.cbow:
                loss += _cbow(job, syn0, syn1, context, targets, alpha)
                updates += 1
            else:
                loss += _skipgram(job, syn0, syn1, context, targets, alpha)
                updates += len(context)
    return loss, updates, effective


def run_chunks(threads: int, job: Job, syn0: np.ndarray, syn1: np.ndarray, c_lo: int, c_hi: int,
               out: Outputs) -> None:
    """Train chunks ``[c_lo, c_hi)`` of ``job`` in order (``threads`` is ignored); per-chunk results go to ``out``."""
    for c in range(c_lo, c_hi):
        out.loss[c], out.updates[c], out.words[c] = train_chunk(job, syn0, syn1, c)
