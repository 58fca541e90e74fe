"""numba kernels of ``tokvec.vocab.subwords`` (module level, so numba's on-disk cache works across processes).

Each has a plain NumPy/Python twin in ``tokvec.vocab.subwords`` (``*_reference``); tests compare them exactly.
``data``/``offsets`` hold the packed bytes of ``<word>`` strings (word ``w`` is ``data[offsets[w]:offsets[w+1]]``).
"""

from __future__ import annotations

import numpy as np

from .._plumbing.jit import numba


@numba.njit(cache=True, nogil=True)
def count_ngrams(data, offsets, minn, maxn):
    """How many n-grams fastText's ``computeSubwords`` emits for each word: int64 (n,)."""
    n = offsets.shape[0] - 1
    counts = np.zeros(n, np.int64)
    for w in range(n):
        start, end = offsets[w], offsets[w + 1]
        c = 0
        for i in range(start, end):
            if (data[i] & 0xC0) == 0x80:
                continue
            j, k = i, 1
            while j < end and k <= maxn:
                j += 1
                while j < end and (data[j] & 0xC0) == 0x80:
                    j += 1
                if k >= minn and not (k == 1 and (i == start or j == end)):
                    c += 1
                k += 1
        counts[w] = c
    return counts


@numba.njit(cache=True, nogil=True)
def fill_hashes(data, offsets, minn, maxn, bucket, starts, out):
    """Write each word's n-gram bucket ids (FNV-1a 32 over sign-extended bytes, modulo ``bucket``) into
    ``out[starts[w]:starts[w+1]]``, in fastText's order."""
    mask = np.uint64(0xFFFFFFFF)
    prime = np.uint64(16777619)
    for w in range(offsets.shape[0] - 1):
        start, end = offsets[w], offsets[w + 1]
        t = starts[w]
        for i in range(start, end):
            if (data[i] & 0xC0) == 0x80:
                continue
            h = np.uint64(2166136261)
            j, k = i, 1
            while j < end and k <= maxn:
                h = ((h ^ np.uint64(data[j] if data[j] < 128 else data[j] | 0xFFFFFF00)) * prime) & mask
                j += 1
                while j < end and (data[j] & 0xC0) == 0x80:
                    h = ((h ^ np.uint64(data[j] | 0xFFFFFF00)) * prime) & mask
                    j += 1
                if k >= minn and not (k == 1 and (i == start or j == end)):
                    out[t] = np.int64(h % np.uint64(bucket))
                    t += 1
                k += 1


@numba.njit(cache=True, nogil=True)
def compose(word_rows, buckets, starts, hashes, out):
    """``out[w] = (word_rows[w] + sum of its n-gram rows) * float32(1 / (1 + count))`` summed in float32 in
    fastText's order; ``word_rows`` may have 0 rows (unknown words: the mean of the n-gram rows only)."""
    dim = buckets.shape[1]
    own = word_rows.shape[0] > 0
    for w in range(starts.shape[0] - 1):
        acc = out[w]  # (dim,) accumulated in place: 0 (+ own row) + each n-gram row, in order
        for d in range(dim):
            acc[d] = np.float32(word_rows[w, d]) if own else np.float32(0.0)
        for t in range(starts[w], starts[w + 1]):
            row = buckets[hashes[t]]
            for d in range(dim):
                acc[d] += np.float32(row[d])
        size = starts[w + 1] - starts[w] + (1 if own else 0)
        scale = np.float32(1.0 / size) if size > 0 else np.float32(0.0)
        for d in range(dim):
            acc[d] *= scale


@numba.njit(cache=True, nogil=True)
def one_vector(data, minn, maxn, buckets, out):
    """``out`` = the mean of the n-gram rows of the single packed ``<word>`` ``data`` (zero if none), hashing
    and summing in one pass in fastText's order: ``compose`` of one word without an own row."""
    mask = np.uint64(0xFFFFFFFF)
    prime = np.uint64(16777619)
    bucket = np.uint64(buckets.shape[0])
    end = data.shape[0]
    out[:] = np.float32(0.0)
    count = 0
    for i in range(end):
        if (data[i] & 0xC0) == 0x80:
            continue
        h = np.uint64(2166136261)
        j, k = i, 1
        while j < end and k <= maxn:
            h = ((h ^ np.uint64(data[j] if data[j] < 128 else data[j] | 0xFFFFFF00)) * prime) & mask
            j += 1
            while j < end and (data[j] & 0xC0) == 0x80:
                h = ((h ^ np.uint64(data[j] | 0xFFFFFF00)) * prime) & mask
                j += 1
            if k >= minn and not (k == 1 and (i == 0 or j == end)):
                row = buckets[np.int64(h % bucket)]
                for d in range(out.shape[0]):
                    out[d] += np.float32(row[d])
                count += 1
            k += 1
    if count > 0:
        scale = np.float32(1.0 / count)
        for d in range(out.shape[0]):
            out[d] *= scale
