"""Token -> id hash index over a packed UTF-8 vocabulary: compiled kernels, a pure-Python probe, a twin.

A Python ``dict`` of 3M str keys costs seconds and ~400 MB to build. Instead the vocabulary
stays one packed byte buffer (token ``i`` is ``buffer[offsets[i]:offsets[i+1]-1]``) and an
open-addressing table of row ids (FNV-1a 64-bit hash, linear probing, load <= 0.5; the layout
``docs/format.md`` stores as feature ``index``, hash ``fnv1a64-linear``) is built in one compiled
pass (``_index_kernels``: LLVM IR): ~0.1 s and 8 bytes per slot for 3M tokens, and it finds duplicates on
the way (a token equal to an earlier one is flagged, the earlier one wins).

A ``.tokvec`` file stores the table, so opening one needs no build; ``probe`` then finds a few
words in plain Python (about a microsecond per byte and step), so a lookup compiles nothing.
``check`` validates a stored table cheaply (power of two, enough slots, every entry in [-1, n));
``probe`` also bounds every entry it reads and never takes more than ``slots`` steps, so a
crafted table can only make a lookup miss.

``build_reference`` and ``find_reference`` are the plain-Python twins used by tests.
"""

from __future__ import annotations

import numpy as np

HASH = "fnv1a64-linear"  # metadata ``index.hash`` of the stored table (docs/format.md)
_BASIS = 14695981039346656037
_PRIME = 1099511628211
_MASK64 = (1 << 64) - 1


def _compile():
    from . import _index_kernels as k  # llvmlite is imported only when an index is first built

    return k.build, k.find


def table_size(n: int) -> int:
    """Smallest power of two >= 2n (and >= 8)."""
    return max(8, 1 << int(2 * max(n, 1) - 1).bit_length())


def build(buffer: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(table, duplicate_mask)`` for a packed vocabulary."""
    build_kernel, _ = _compile()
    table = np.full(table_size(len(offsets) - 1), -1, np.int64)
    dup = build_kernel(buffer, offsets, table)
    return table, dup


def find(buffer: np.ndarray, offsets: np.ndarray, table: np.ndarray, token: bytes) -> int:
    """Row id of ``token`` (UTF-8 bytes) or -1, with the compiled kernel (a table ``check`` passed)."""
    _, find_kernel = _compile()
    return int(find_kernel(buffer, offsets, table, np.frombuffer(token, np.uint8)))


def fnv1a(data: bytes) -> int:
    """FNV-1a 64-bit of ``data``, as the kernels compute it."""
    h = _BASIS
    for byte in data:
        h = ((h ^ byte) * _PRIME) & _MASK64
    return h


def probe(buffer: np.ndarray, offsets: np.ndarray, table: np.ndarray, token: bytes, rows: int) -> int:
    """Row id of ``token`` or -1, in plain Python: no compiled kernel.

    ``rows`` is how many leading rows are searched: a table may index a longer vocabulary whose
    first ``rows`` tokens these are (``Vocab.head``), so entries at or past ``rows`` are stepped
    over (a token's first occurrence below ``rows`` is still its first occurrence). At most
    ``len(table)`` steps, and only entries in ``[0, rows)`` are followed, so a corrupted table
    cannot hang the probe or make it read out of bounds: it can only make it miss.
    """
    slots = len(table)
    mask = slots - 1
    slot = fnv1a(token) & mask
    rows = min(rows, len(offsets) - 1)
    size = len(token)
    for _ in range(slots):
        j = int(table[slot])
        if j < 0:
            return -1
        if j < rows:
            start = int(offsets[j])
            if int(offsets[j + 1]) - 1 - start == size and buffer[start : start + size].tobytes() == token:
                return j
        slot = (slot + 1) & mask
    return -1


def check(table: np.ndarray, n: int) -> str | None:
    """What is wrong with ``table`` as the index of ``n`` tokens, or None (one vectorised pass)."""
    if table.ndim != 1 or table.dtype.kind != "i":
        return f"has dtype {table.dtype} and shape {table.shape}, not a 1-D integer table"
    slots = table.shape[0]
    if slots < 8 or slots & (slots - 1):
        return f"has {slots:,} slots, which is not a power of two >= 8"
    if slots < n + 1:
        return f"has {slots:,} slots for {n:,} tokens (at least {n + 1:,} are needed)"
    low, high = int(table.min()), int(table.max())
    if low < -1 or high >= n:
        return f"holds row {low if low < -1 else high:,}, outside -1..{n - 1:,}"
    return None


def build_reference(buffer: np.ndarray, offsets: np.ndarray) -> tuple[dict[bytes, int], np.ndarray]:
    """Python twin: a dict of first occurrences and the same duplicate mask."""
    raw = bytes(buffer)
    first: dict[bytes, int] = {}
    dup = np.zeros(len(offsets) - 1, bool)
    for i in range(len(offsets) - 1):
        key = raw[offsets[i] : offsets[i + 1] - 1]
        if key in first:
            dup[i] = True
        else:
            first[key] = i
    return first, dup


def find_reference(first: dict[bytes, int], token: bytes) -> int:
    return first.get(token, -1)
