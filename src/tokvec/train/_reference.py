"""Plain NumPy/Python twin of ``_kernels``: the same updates, in the same order, with the same random numbers.

Used by tests to check the numba kernels on tiny corpora (one thread, fixed seed); far too slow
for real training. See ``_kernels`` for the algorithm.
"""

from __future__ import annotations

import bisect
import math

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


def train_chunk(cbow, syn0, syn1, ids, sent_starts, s_lo, s_hi, r, sample_int, use_sample, cum_table, buckets,
                window, negative, alpha0, min_alpha, word_base, words_all, compute_loss):
    """Train sentences ``[s_lo, s_hi)``; return (loss sum, number of updates, words kept by subsampling)."""
    dim = syn0.shape[1]
    cum = [int(x) for x in cum_table]
    loss, updates, effective = 0.0, 0, 0
    r = int(r)
    for s in range(s_lo, s_hi):
        start, end = int(sent_starts[s]), int(sent_starts[s + 1])
        progress = (word_base + start) / words_all
        alpha = np.float32(max(min_alpha, alpha0 - (alpha0 - min_alpha) * progress))
        sent = []
        for p in range(start, end):
            w = int(ids[p])
            if use_sample:
                keep = int(sample_int[w]) >= _rand32(r)
                r = _lcg(r)
                if not keep:
                    continue
            sent.append(w)
        n = len(sent)
        effective += n
        for i in range(n):
            b = _rand32(r) % window
            r = _lcg(r)
            lo, hi = max(0, i - window + b), min(n, i + window + 1 - b)
            if hi - lo <= 1:
                continue
            centre = sent[i]
            targets = [centre]
            for _ in range(negative):
                targets.append(bisect.bisect_left(cum, (r >> 16) % cum[-1]))
                r = _lcg(r)
            context = [sent[j] for j in range(lo, hi) if j != i]
            if cbow:
                h = np.zeros(dim, np.float32)
                for c in context:
                    h += syn0[c]
                h *= np.float32(1.0) / np.float32(len(context))  # (dim,)
                neu1e = np.zeros(dim, np.float32)
                likely = 1.0
                for k, t in enumerate(targets):
                    if k > 0 and t == centre:
                        continue
                    f = np.float32(np.dot(h, syn1[t]))
                    sig, prob, big = _sigmoid_likelihood(f, k == 0)
                    g = (np.float32(k == 0) - sig) * alpha
                    likely *= prob
                    loss += big if compute_loss else 0.0
                    if abs(f) >= MAX_EXP:
                        continue
                    neu1e += g * syn1[t]
                    syn1[t] += g * h
                for c in context:
                    syn0[c] += neu1e
                if compute_loss:
                    loss -= math.log(likely)
                updates += 1
            else:
                grad_out = np.zeros((negative + 1, dim), np.float32)  # (K+1, dim)
                for c in context:
                    neu1e = np.zeros(dim, np.float32)
                    likely = 1.0
                    for k, t in enumerate(targets):
                        if k > 0 and t == centre:
                            continue
                        f = np.float32(np.dot(syn0[c], syn1[t]))
                        sig, prob, big = _sigmoid_likelihood(f, k == 0)
                        g = (np.float32(k == 0) - sig) * alpha
                        likely *= prob
                        loss += big if compute_loss else 0.0
                        if abs(f) >= MAX_EXP:
                            continue
                        neu1e += g * syn1[t]
                        grad_out[k] += g * syn0[c]
                    syn0[c] += neu1e
                    if compute_loss:
                        loss -= math.log(likely)
                    updates += 1
                for k, t in enumerate(targets):
                    if k > 0 and t == centre:
                        continue
                    syn1[t] += grad_out[k]
    return loss, updates, effective


def run_chunks(threads, cbow, syn0, syn1, ids, sent_starts, chunk_sents, c_lo, c_hi, seeds, sample_int, use_sample,
               cum_table, buckets, window, negative, alpha0, min_alpha, word_base, words_all, compute_loss,
               loss_out, updates_out, words_out) -> None:
    """Train chunks ``[c_lo, c_hi)`` in order (``threads`` is ignored); per-chunk results go to the ``*_out`` arrays.

    ``buckets`` (``noise_buckets(cum_table)``) only speeds up the kernel's noise draws; the twin bisects the
    whole table. Chunk ``c`` is sentences ``[chunk_sents[c], chunk_sents[c + 1])`` with random state ``seeds[c]``;
    ``word_base`` (= epoch * corpus ids) and ``words_all`` (= epochs * corpus ids) place each sentence
    on the linear learning-rate schedule.
    """
    for c in range(c_lo, c_hi):
        loss_out[c], updates_out[c], words_out[c] = train_chunk(
            cbow, syn0, syn1, ids, sent_starts, int(chunk_sents[c]), int(chunk_sents[c + 1]), seeds[c], sample_int,
            use_sample, cum_table, buckets, window, negative, alpha0, min_alpha, word_base, words_all, compute_loss)
