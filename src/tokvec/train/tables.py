"""The tables word2vec training derives from the vocabulary and the corpus, with gensim's formulas.

Subsampling thresholds, the cumulative noise distribution, the chunking of the corpus into units
of work, each chunk's random start state and the initial weights: plain NumPy, computed once per
run (or per epoch, for the seeds) by the driver in ``word2vec`` and read by the kernels.

Deliberately left out: the training itself (``_kernels``/``_reference``) and anything stateful.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def sample_ints(counts: np.ndarray, sample: float) -> np.ndarray:
    """Subsampling thresholds as gensim's ``prepare_vocab`` stores them (``sample_int``), shape ``(V,)`` uint32.

    A word with count ``v`` is kept with probability ``p = (sqrt(v / t) + 1) * t / v`` (capped at 1),
    ``t = sample * total``; stored as ``uint32(p * (2**32 - 1))`` and compared with a random 32-bit draw.

    >>> sample_ints(np.array([1000, 1]), 1e-3).tolist()
    [140185945, 4294967295]
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = float(counts.sum())
    if not sample:
        threshold = total
    elif sample < 1.0:
        threshold = sample * total
    else:
        threshold = float(int(sample * (3 + math.sqrt(5)) / 2))
    prob = (np.sqrt(counts / threshold) + 1) * (threshold / counts)
    prob = np.minimum(prob, 1.0)
    return (prob * (2**32 - 1)).astype(np.uint32)


def noise_table(counts: np.ndarray, exponent: float = 0.75, domain: int = 2**31 - 1) -> np.ndarray:
    """Cumulative unigram^exponent distribution as gensim's ``make_cum_table`` builds it, ``(V,)`` uint32.

    Noise word ``i`` is drawn when a uniform integer in ``[0, table[-1])`` falls in
    ``[table[i-1], table[i])`` (``bisect_left``).

    >>> noise_table(np.array([16, 1])).tolist()  # 16 ** 0.75 = 8: 8/9 of (2**31 - 1), then all of it
    [1908874353, 2147483647]
    """
    powered = np.asarray(counts, dtype=np.float64) ** float(exponent)
    cumulative = np.cumsum(powered)
    return np.round(cumulative / cumulative[-1] * domain).astype(np.uint32)


def chunk_boundaries(sentence_starts: np.ndarray, chunk_words: int) -> np.ndarray:
    """Sentence indices where chunks start, plus the end: chunk ``c`` is sentences ``[b[c], b[c+1])``.

    >>> chunk_boundaries(np.array([0, 3, 5, 9, 10]), 4).tolist()
    [0, 2, 3, 4]
    """
    n_sent = len(sentence_starts) - 1
    total = int(sentence_starts[-1])
    cuts = np.searchsorted(sentence_starts, np.arange(chunk_words, total, chunk_words), side="left")
    inner = np.unique(cuts[(cuts > 0) & (cuts < n_sent)])
    return np.concatenate([[0], inner, [n_sent]]).astype(np.int64)


def chunk_seeds(seed: int, epoch: int, n_chunks: int) -> np.ndarray:
    """48-bit LCG start states for the chunks of one epoch (splitmix64 of (seed, epoch, chunk)), ``(n_chunks,)``."""
    with np.errstate(over="ignore"):
        z = (np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(epoch) * np.uint64(0xD1B54A32D192ED03)
             + np.arange(1, n_chunks + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z & np.uint64((1 << 48) - 1)


def initial_weights(n: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Input vectors uniform in [-1, 1) / dim, output vectors zero; each ``(n, dim)`` float32.

    This is gensim 4's ``prep_vectors`` (word2vec.c and gensim 3 used (-0.5, 0.5) / dim), drawn from
    ``np.random.default_rng(seed)`` in the same way.
    """
    rng = np.random.default_rng(seed)
    syn0 = rng.random((n, dim), dtype=np.float32)  # (n, dim) in [0, 1)
    syn0 *= 2.0
    syn0 -= 1.0
    syn0 /= dim
    return syn0, np.zeros((n, dim), np.float32)


BUCKET_PARTS = 16
"""The n-gram bucket rows are drawn as this many slices, each by its own generator: the same values on any threads."""


def subword_weights(words: int, bucket: int, dim: int, seed: int, threads: int = 1) -> np.ndarray:
    """fastText's input matrix ``(words + bucket, dim)`` float32: the word rows as ``initial_weights`` draws them,
    then the n-gram bucket rows, also uniform in [-1, 1) / dim.

    The bucket rows (2,000,000 x dim by default: most of the matrix) are drawn in ``BUCKET_PARTS`` slices, slice
    ``i`` by ``np.random.default_rng`` of the ``i``-th child of ``SeedSequence(seed)``, in 1 MiB pieces (drawn and
    scaled while in cache), on ``threads`` threads (NumPy's generators release the GIL): the values do not
    depend on ``threads``.
    """
    out = np.empty((words + bucket, dim), np.float32)
    out[:words] = initial_weights(words, dim, seed)[0]
    buckets = out[words:]
    bounds = np.linspace(0, bucket, BUCKET_PARTS + 1).astype(np.int64)
    children = np.random.SeedSequence(seed).spawn(BUCKET_PARTS)
    step = max(1, (1 << 20) // (4 * max(dim, 1)))

    def fill(part: int) -> None:
        rng = np.random.default_rng(children[part])
        for start in range(int(bounds[part]), int(bounds[part + 1]), step):
            piece = buckets[start:min(start + step, int(bounds[part + 1]))]
            rng.random(out=piece, dtype=np.float32)
            piece *= 2.0
            piece -= 1.0
            piece /= dim

    with ThreadPoolExecutor(max(1, min(threads, BUCKET_PARTS))) as pool:
        list(pool.map(fill, range(BUCKET_PARTS)))
    return out
