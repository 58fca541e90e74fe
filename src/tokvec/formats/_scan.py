"""Record scanner for word2vec binary files: a numba kernel and its plain-Python twin.

A word2vec binary record is ``token`` + ``b" "`` + ``dim`` little-endian float32 values,
optionally preceded by ``b"\\n"`` (the C tool writes one after each vector). Token
lengths vary, so records cannot be located with array arithmetic; the kernel walks the
buffer once, recording where each token and vector starts, then copies the vectors and
packs the tokens (``\\n``-separated) in two more tight loops.

``scan_reference`` does exactly the same in Python; tests compare the two.
"""

from __future__ import annotations

import numpy as np

OK, TRUNCATED, LONG_TOKEN = 0, 1, 2
MAX_TOKEN_BYTES = 1 << 16  # a longer "token" means the file is not what its header says

_kernels = None


def _compile():
    global _kernels
    if _kernels is None:
        import numba

        @numba.njit(cache=True, nogil=True)
        def scan(buf, start, n, record_bytes, tok_start, tok_end, vec_start):
            size = buf.shape[0]
            pos = start
            for r in range(n):
                while pos < size and buf[pos] == 10:  # skip b"\n" between records
                    pos += 1
                ts = pos
                while pos < size and buf[pos] != 32:
                    pos += 1
                    if pos - ts > MAX_TOKEN_BYTES:
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

        _kernels = (scan, gather, pack)
    return _kernels


def scan(buf: np.ndarray, start: int, n: int, dim: int):
    """Locate ``n`` records from byte ``start``.

    Returns ``(vectors (found, dim) float32, packed_tokens uint8, offsets (found+1,) int64,
    token_starts (found,) int64, end_position, status)``; ``status`` is OK, TRUNCATED or
    LONG_TOKEN and ``end_position`` is where scanning stopped (the failing record's start).
    """
    scan_kernel, gather, pack = _compile()
    record_bytes = 4 * dim
    tok_start = np.empty(n, np.int64)
    tok_end = np.empty(n, np.int64)
    vec_start = np.empty(n, np.int64)
    found, end, status = scan_kernel(buf, start, n, record_bytes, tok_start, tok_end, vec_start)
    tok_start, tok_end, vec_start = tok_start[:found], tok_end[:found], vec_start[:found]
    vectors = np.empty((found, dim), np.float32)
    gather(buf, vec_start, record_bytes, vectors.reshape(-1).view(np.uint8))
    offsets = _offsets(tok_start, tok_end)
    packed = np.empty(offsets[-1], np.uint8)
    pack(buf, tok_start, tok_end, offsets, packed)
    return vectors, packed, offsets, tok_start, int(end), int(status)


def scan_reference(buf: np.ndarray, start: int, n: int, dim: int):
    """Plain-Python twin of ``scan`` (same outputs), for tests."""
    data = bytes(buf)
    record_bytes = 4 * dim
    pos, rows, tokens, starts, status = start, [], [], [], OK
    for _ in range(n):
        while pos < len(data) and data[pos] == 10:
            pos += 1
        space = data.find(b" ", pos, pos + MAX_TOKEN_BYTES + 1)
        if space < 0:
            status = LONG_TOKEN if len(data) - pos >= MAX_TOKEN_BYTES + 1 else TRUNCATED
            break
        if space + 1 + record_bytes > len(data):
            status = TRUNCATED
            break
        tokens.append(data[pos:space])
        starts.append(pos)
        rows.append(np.frombuffer(data, np.float32, dim, space + 1))
        pos = space + 1 + record_bytes
    vectors = np.array(rows, np.float32).reshape(len(rows), dim)
    lengths = np.array([len(t) + 1 for t in tokens], np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    packed = np.frombuffer(b"".join(t + b"\n" for t in tokens), np.uint8)
    return vectors, packed, offsets, np.array(starts, np.int64), pos, status


def _offsets(tok_start: np.ndarray, tok_end: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(tok_start) + 1, np.int64)
    np.cumsum(tok_end - tok_start + 1, out=offsets[1:])
    return offsets
