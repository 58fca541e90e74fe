"""numba kernels of ``_scan`` (module level, so numba's on-disk cache works across processes).

Deliberately left out: allocation and the Python twin (``_scan``); this module imports numba.
"""

from __future__ import annotations

from .._plumbing.jit import numba
from .._plumbing.prefetch import prefetch_byte
from ._scan_codes import FULL, LONG_TOKEN, OK, TRUNCATED  # shared with the Python twin

AHEAD = 8  # records prefetched ahead of the scan


@numba.njit(cache=True, nogil=True)
def scan(buf, pos, r0, n, record_bytes, tok_start, vec_start, packed, offsets, max_token):
    # One pass from record r0 at byte pos: find each record and copy its token into ``packed``
    # (``\n``-terminated, ending at ``offsets[r + 1]``) while its bytes are in cache; stop with FULL (and
    # the record to go on from) when ``packed`` has no room for the next token. The walk is a chain (where a
    # record starts depends on the token before it), so each step would wait for memory: the records
    # ahead start about ``record_bytes`` + a short token further on, and are prefetched. max_token is an
    # argument, not a global: numba's on-disk cache would freeze a global's old value.
    size = buf.shape[0]
    room = packed.shape[0]
    o = offsets[r0]
    for r in range(r0, n):
        while pos < size and buf[pos] == 10:  # skip b"\n" between records
            pos += 1
        ts = pos
        while pos < size and buf[pos] != 32:
            if o + pos - ts + 1 >= room:
                return r, ts, FULL
            packed[o + pos - ts] = buf[pos]
            pos += 1
            if pos - ts > max_token:
                return r, ts, LONG_TOKEN
        if pos >= size:
            return r, ts, TRUNCATED
        if o + pos - ts + 1 > room:
            return r, ts, FULL
        o += pos - ts
        packed[o] = 10
        o += 1
        tok_start[r] = ts
        pos += 1
        if pos + record_bytes > size:
            return r, ts, TRUNCATED
        offsets[r + 1] = o
        vec_start[r] = pos
        for a in range(1, AHEAD + 1):
            ahead = pos + a * (record_bytes + 16)
            if ahead < size:
                prefetch_byte(buf, ahead)
        pos += record_bytes
    return n, pos, OK


@numba.njit(cache=True, nogil=True, parallel=True)
def gather(buf, vec_start, record_bytes, out):
    for r in numba.prange(vec_start.shape[0]):
        s = vec_start[r]
        out[r * record_bytes : (r + 1) * record_bytes] = buf[s : s + record_bytes]
