"""Texts' token rows to one vector each: the weighted mean (weights folded into the rows), normalised.

``mean_rows(matrix, rows, offsets, normalize)`` is the whole sentence encoder once a text is token rows:
text ``i`` is ``rows[offsets[i]:offsets[i + 1]]``, its vector the mean of those rows of ``matrix`` (a text
with no known token is the zero vector), divided by its norm + 1e-32 when ``normalize``, as model2vec's
``StaticModel.encode`` does. The compiled kernel (``_mean_kernels``: LLVM IR, texts split between threads)
does the work; its twin ``mean_rows_reference`` is plain NumPy and the tests check they agree.

Deliberately left out: tokenising (``encode.splitter``) and weighting (distillation folds the frequency
weights into the rows, as model2vec does).
"""

from __future__ import annotations

import numpy as np


def _kernels():
    from . import _mean_kernels as k  # llvmlite is imported only when a text is first encoded

    return k


def mean_rows(matrix: np.ndarray, rows: np.ndarray, offsets: np.ndarray, normalize: bool,
              threads: int | None = None) -> np.ndarray:
    """float32 ``(len(offsets) - 1, dim)``: each text's mean row (see the module docstring), on up to
    ``threads`` threads (default: the CPUs this process may use).

    >>> m = np.array([[1, 0], [0, 2], [3, 4]], dtype=np.float32)
    >>> mean_rows(m, np.array([0, 1, 2]), np.array([0, 2, 2, 3]), normalize=False).tolist()
    [[0.5, 1.0], [0.0, 0.0], [3.0, 4.0]]
    """
    out = np.zeros((len(offsets) - 1, matrix.shape[1]), dtype=np.float32)
    if len(out) == 0:
        return out
    matrix = matrix if matrix.dtype == np.float32 and matrix.flags.c_contiguous else np.ascontiguousarray(
        matrix, dtype=np.float32)
    _kernels().mean_rows(matrix, np.ascontiguousarray(rows, dtype=np.int64),
                         np.ascontiguousarray(offsets, dtype=np.int64), bool(normalize), out, threads)
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
