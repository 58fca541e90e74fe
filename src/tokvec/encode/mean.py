"""Texts' token rows to one vector each: the weighted mean (weights folded into the rows), normalised.

``mean_rows(matrix, rows, offsets, normalize)`` is the whole sentence encoder once a text is token rows:
text ``i`` is ``rows[offsets[i]:offsets[i + 1]]``, its vector the mean of those rows of ``matrix`` (a text
with no known token is the zero vector), divided by its norm + 1e-32 when ``normalize``, as model2vec's
``StaticModel.encode`` does. The numba kernel (``_mean_kernels``, parallel over texts) does the work; its
twin ``mean_rows_reference`` is plain NumPy and the tests check they agree.

Deliberately left out: tokenising (``encode.splitter``) and weighting (distillation folds the frequency
weights into the rows, as model2vec does).
"""

from __future__ import annotations

import os

import numpy as np

from .._plumbing.optional import require


def _kernels():
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see tokvec.search.bounded
    from . import _mean_kernels as k  # numba is imported only when a text is first encoded

    return k


def mean_rows(matrix: np.ndarray, rows: np.ndarray, offsets: np.ndarray, normalize: bool,
              threads: int | None = None) -> np.ndarray:
    """float32 ``(len(offsets) - 1, dim)``: each text's mean row (see the module docstring).

    >>> m = np.array([[1, 0], [0, 2], [3, 4]], dtype=np.float32)
    >>> mean_rows(m, np.array([0, 1, 2]), np.array([0, 2, 2, 3]), normalize=False).tolist()
    [[0.5, 1.0], [0.0, 0.0], [3.0, 4.0]]
    """
    out = np.zeros((len(offsets) - 1, matrix.shape[1]), dtype=np.float32)
    if len(out) == 0:
        return out
    kernels = _kernels()
    numba = require("numba", "none", "encoding texts")
    before = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        kernels.mean_rows(matrix, rows.astype(np.int64, copy=False), offsets.astype(np.int64, copy=False),
                          bool(normalize), out)
    finally:
        numba.set_num_threads(before)
    return out


def mean_rows_reference(matrix: np.ndarray, rows: np.ndarray, offsets: np.ndarray, normalize: bool) -> np.ndarray:
    """Plain NumPy twin of ``_mean_kernels.mean_rows`` (``model2vec``'s arithmetic: mean, then norm + 1e-32)."""
    out = np.zeros((len(offsets) - 1, matrix.shape[1]), dtype=np.float32)
    for i in range(len(out)):
        if offsets[i + 1] > offsets[i]:
            out[i] = np.asarray(matrix[rows[offsets[i]:offsets[i + 1]]], dtype=np.float32).mean(axis=0)
    if normalize:
        out = out / (np.linalg.norm(out, axis=1, keepdims=True) + np.float32(1e-32))
    return out.astype(np.float32, copy=False)
