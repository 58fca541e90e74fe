"""Record scanner for word2vec binary files: a numba kernel and its plain-Python twin.

A word2vec binary record is ``token`` + ``b" "`` + ``dim`` little-endian float32 values,
optionally preceded by ``b"\\n"`` (the C tool writes one after each vector). Token
lengths vary, so records cannot be located with array arithmetic; the kernel walks the
buffer once, recording where each token and vector starts, then copies the vectors and
packs the tokens (``\\n``-separated) in two more tight loops.

``scan_reference`` does exactly the same in Python; tests compare the two.

Deliberately left out: parsing the header and judging the result (``word2vec.read_binary``).
"""

from __future__ import annotations

import numpy as np

from ._scan_codes import LONG_TOKEN, MAX_TOKEN_BYTES, OK, TRUNCATED

__all__ = ["LONG_TOKEN", "MAX_TOKEN_BYTES", "OK", "TRUNCATED", "scan", "scan_reference"]


def _compile():
    from . import _scan_kernels as k  # numba is imported only when a binary file is first read

    return k.scan, k.gather, k.pack


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
    found, end, status = scan_kernel(buf, start, n, record_bytes, tok_start, tok_end, vec_start,
                                    MAX_TOKEN_BYTES)
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
