"""numba kernel of ``_gather`` (module level, so numba's on-disk cache works across processes)."""

from __future__ import annotations

from .._plumbing.jit import numba


@numba.njit(cache=True, nogil=True, parallel=True)
def gather(table, ids, out):
    for i in numba.prange(ids.shape[0]):
        out[i, :] = table[ids[i], :]
