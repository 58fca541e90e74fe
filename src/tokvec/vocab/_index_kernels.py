"""numba kernels of ``_token_index`` (module level, so numba's on-disk cache works across processes)."""

from __future__ import annotations

import numpy as np

from .._plumbing.jit import numba


@numba.njit(cache=True, nogil=True, inline="always")
def fnv1a(data, start, end):
    h = np.uint64(14695981039346656037)
    for i in range(start, end):
        h = (h ^ np.uint64(data[i])) * np.uint64(1099511628211)
    return h


@numba.njit(cache=True, nogil=True, inline="always")
def same(a, a0, a1, b, b0, b1):
    if a1 - a0 != b1 - b0:
        return False
    for k in range(a1 - a0):
        if a[a0 + k] != b[b0 + k]:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def build(buf, offsets, table):
    mask = table.shape[0] - 1
    n = offsets.shape[0] - 1
    dup = np.zeros(n, np.bool_)
    for i in range(n):
        s, e = offsets[i], offsets[i + 1] - 1
        slot = fnv1a(buf, s, e) & mask
        while True:
            j = table[slot]
            if j < 0:
                table[slot] = i
                break
            if same(buf, s, e, buf, offsets[j], offsets[j + 1] - 1):
                dup[i] = True
                break
            slot = (slot + 1) & mask
    return dup


@numba.njit(cache=True, nogil=True)
def find(buf, offsets, table, query):
    mask = table.shape[0] - 1
    slot = fnv1a(query, 0, query.shape[0]) & mask
    while True:
        j = table[slot]
        if j < 0:
            return -1
        if same(buf, offsets[j], offsets[j + 1] - 1, query, 0, query.shape[0]):
            return j
        slot = (slot + 1) & mask
