"""numba kernel of ``tokvec.encode.mean``: each text's mean of its token rows, normalised as asked.

Module level so numba's on-disk cache works across processes; ``tokvec.encode.mean`` imports it only when
a text is first encoded (``import tokvec`` never pulls numba). Its NumPy twin is ``mean.mean_rows_reference``.
"""

from __future__ import annotations

import numpy as np

from .._plumbing.jit import numba

# reassociation lets the inner loop over the dimensions vectorise; the sum over a text's rows keeps its
# order (row by row, as NumPy's ``mean(axis=0)`` adds them), so the means equal the twin's bit for bit
FAST = {"reassoc", "contract"}


@numba.njit(cache=True, nogil=True, parallel=True, fastmath=FAST)
def mean_rows(matrix, rows, offsets, normalize, out):
    """``out[i]`` = mean of ``matrix[rows[offsets[i]:offsets[i + 1]]]`` (zeros for no rows), then divided by
    its norm + 1e-32 when ``normalize`` (model2vec's rule). ``out`` is zeroed float32 ``(n, dim)``."""
    dim = matrix.shape[1]
    for i in numba.prange(offsets.shape[0] - 1):
        start, stop = offsets[i], offsets[i + 1]
        acc = out[i]
        for k in range(start, stop):
            row = matrix[rows[k]]
            for j in range(dim):
                acc[j] += row[j]
        if stop > start:
            count = np.float32(stop - start)
            for j in range(dim):
                acc[j] = acc[j] / count
        if normalize:
            total = np.float32(0.0)
            for j in range(dim):
                total += acc[j] * acc[j]
            norm = np.float32(np.sqrt(total) + np.float32(1e-32))
            for j in range(dim):
                acc[j] = acc[j] / norm
