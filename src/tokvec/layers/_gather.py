"""Row gather ``out[i] = table[ids[i]]``: a parallel numba kernel and its NumPy twin (``np.take``).

Embedding lookup is pure data movement, so the goal is memory bandwidth: each output row is one
contiguous copy, and rows are split across cores. Small lookups use ``np.take`` (no thread
start-up cost).
"""

from __future__ import annotations

import numpy as np

_PARALLEL_MIN_VALUES = 1 << 16  # below this many output values, np.take wins
def _compile():
    from . import _gather_kernels  # numba is imported only for the first large lookup

    return _gather_kernels.gather


def gather_rows(table: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``table[ids]`` for int64 ``ids`` of any shape (already bounds-checked): ``(*ids.shape, dim)``."""
    flat = ids.reshape(-1)
    if flat.size * table.shape[1] < _PARALLEL_MIN_VALUES or not table.flags.c_contiguous:
        return np.take(table, ids, axis=0)
    out = np.empty((flat.size, table.shape[1]), dtype=table.dtype)
    _compile()(table, flat, out)
    return out.reshape(*ids.shape, table.shape[1])


def gather_rows_reference(table: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The NumPy twin."""
    return np.take(table, ids, axis=0)
