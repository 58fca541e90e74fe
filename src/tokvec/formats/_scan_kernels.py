"""numba kernels of ``_scan`` (module level, so numba's on-disk cache works across processes).

Deliberately left out: allocation and the Python twin (``_scan``); this module imports numba.
"""

from __future__ import annotations

from .._plumbing.jit import numba
from ._scan_codes import LONG_TOKEN, OK, TRUNCATED  # shared with the Python twin


@numba.njit(cache=True, nogil=True)
def scan(buf, start, n, record_bytes, tok_start, tok_end, vec_start, max_token):
    # max_token is an argument, not a global: numba's on-disk cache would freeze a global's old value
    size = buf.shape[0]
    pos = start
    for r in range(n):
        while pos < size and buf[pos] == 10:  # skip b"\n" between records
            pos += 1
        ts = pos
        while pos < size and buf[pos] != 32:
            pos += 1
            if pos - ts > max_token:
                return r, ts, LONG_TOKEN
        if pos >= size:
            return r, ts, TRUNCATED
        tok_start[r] = ts
        tok_end[r] = pos
        pos += 1
        if pos + record_bytes > size:
            return r, ts, TRUNCATED
        vec_start[r] = pos
        pos += record_bytes
    return n, pos, OK


@numba.njit(cache=True, nogil=True, parallel=True)
def gather(buf, vec_start, record_bytes, out):
    for r in numba.prange(vec_start.shape[0]):
        s = vec_start[r]
        out[r * record_bytes : (r + 1) * record_bytes] = buf[s : s + record_bytes]


@numba.njit(cache=True, nogil=True)
def pack(buf, tok_start, tok_end, offsets, packed):
    for r in range(tok_start.shape[0]):
        o = offsets[r]
        s = tok_start[r]
        for j in range(tok_end[r] - s):
            packed[o + j] = buf[s + j]
        packed[offsets[r + 1] - 1] = 10
