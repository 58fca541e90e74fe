"""Record scanner for word2vec binary files: compiled kernels (``_scan_kernels``) and their plain-Python twin.

A word2vec binary record is ``token`` + ``b" "`` + ``dim`` little-endian float32 values,
optionally preceded by ``b"\\n"`` (the C tool writes one after each vector). Token
lengths vary, so records cannot be located with array arithmetic; the kernel walks the
buffer once, packing the tokens (``\\n``-separated) as it finds them and recording where
each vector starts, then the vectors are copied in one parallel loop (at memory-copy speed).

``scan_reference`` does exactly the same in Python; tests compare the two.

Deliberately left out: parsing the header and judging the result (``word2vec.read_binary``).
"""

from __future__ import annotations

import numpy as np

from ._scan_codes import FULL, LONG_TOKEN, MAX_TOKEN_BYTES, OK, TRUNCATED

__all__ = ["LONG_TOKEN", "MAX_TOKEN_BYTES", "OK", "TRUNCATED", "scan", "scan_reference"]


def _compile():
    from . import _scan_kernels as k  # llvmlite is imported only when a binary file is first read

    return k.scan, k.gather


def scan(buf: np.ndarray, start: int, n: int, dim: int):
    """Locate ``n`` records from byte ``start``.

    Returns ``(vectors (found, dim) float32, packed_tokens uint8, offsets (found+1,) int64,
    token_starts (found,) int64, end_position, status)``; ``status`` is OK, TRUNCATED or
    LONG_TOKEN and ``end_position`` is where scanning stopped (the failing record's start).
    """
    scan_kernel, gather = _compile()
    record_bytes = 4 * dim
    tok_start = np.empty(n, np.int64)
    vec_start = np.empty(n, np.int64)
    offsets = np.zeros(n + 1, np.int64)
    packed = np.empty(n * 16 + 64, np.uint8)  # grown when the tokens are longer
    found, end = 0, start
    while True:
        found, end, status = scan_kernel(buf, end, found, n, record_bytes, tok_start, vec_start, packed, offsets,
                                        MAX_TOKEN_BYTES)
        if status != FULL:
            break
        grown = np.empty(2 * packed.shape[0] + MAX_TOKEN_BYTES + 2, np.uint8)
        grown[:offsets[found]] = packed[:offsets[found]]
        packed = grown
    tok_start, vec_start, offsets = tok_start[:found], vec_start[:found], offsets[:found + 1]
    vectors = np.empty((found, dim), np.float32)
    gather(buf, vec_start, record_bytes, vectors.reshape(-1).view(np.uint8))
    return vectors, packed[:offsets[-1]].copy(), offsets, tok_start, int(end), int(status)


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
