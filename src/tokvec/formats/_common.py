"""Helpers shared by the format modules: opening (compressed) files, decoding tokens, checks.

Deliberately left out: anything one format alone needs (that stays in its module).
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import numpy as np

from .._plumbing import budget as _budget
from .._plumbing.files import decompressor, open_stream
from ..errors import FormatError
from ..vocab import Vocab

__all__ = ["decode_packed", "is_number", "open_stream", "packed_vocab", "read_buffer"]


def read_buffer(path: Path) -> np.ndarray:
    """The whole (decompressed) file as a uint8 array; plain files are memory-mapped, not copied."""
    if decompressor(path) is None:
        if os.path.getsize(path) == 0:
            return np.zeros(0, np.uint8)
        populate = getattr(mmap, "MAP_POPULATE", 0)  # Linux: map the pages up front, one pass
        if not populate:
            return np.memmap(path, dtype=np.uint8, mode="r")
        fd = os.open(path, os.O_RDONLY)
        try:
            mapped = mmap.mmap(fd, 0, flags=mmap.MAP_SHARED | populate, prot=mmap.PROT_READ)
        finally:
            os.close(fd)
        return np.frombuffer(mapped, dtype=np.uint8)
    limit, parts, total = _budget.budget(), [], 0
    with open_stream(path) as f:
        while chunk := f.read(1 << 24):
            total += len(chunk)
            _budget.check(total if total <= limit else limit + 1, f"{path}: decompressing it",
                          "it may be a decompression bomb. Decompress it yourself if you trust it")
            parts.append(chunk)
    return np.frombuffer(b"".join(parts), dtype=np.uint8)


def decode_packed(
    packed: np.ndarray, offsets: np.ndarray, errors: str, where: callable
) -> list[str]:
    """Decode ``\\n``-terminated tokens; a bad byte raises ``FormatError`` saying ``where(i, byte_in_token)``."""
    n = len(offsets) - 1
    raw = packed.tobytes()
    try:
        text = raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        i = int(np.searchsorted(offsets, exc.start, side="right")) - 1
        bad = raw[exc.start : exc.end]
        raise FormatError(
            f"invalid UTF-8 {bad!r} {where(i, exc.start - int(offsets[i]))}. "
            "Pass errors='replace' to load it with U+FFFD in place of the bad bytes "
            "(CLI: --errors replace), or errors='ignore' to drop them"
        ) from None
    except LookupError:
        raise FormatError(f"unknown errors policy {errors!r}; use 'strict', 'replace' or 'ignore'") from None
    tokens = text[:-1].split("\n") if n else []
    if len(tokens) != n:  # a token itself holds a newline: decode one by one
        tokens = [raw[offsets[i] : offsets[i + 1] - 1].decode("utf-8", errors) for i in range(n)]
    return tokens


def packed_vocab(packed: np.ndarray, offsets: np.ndarray, errors: str, where: callable):
    """A Vocab over already-packed tokens, validating UTF-8 first (see ``decode_packed``)."""
    try:
        packed.tobytes().decode("utf-8")
    except UnicodeDecodeError:
        return Vocab(decode_packed(packed, offsets, errors, where))  # raises under errors="strict"
    return Vocab.from_packed(packed, offsets)


def is_number(field: bytes) -> bool:
    """True if ``field`` parses as a float (``b"1e-3"``, ``b"nan"``); the sniffers' test of a value."""
    try:
        float(field)
    except ValueError:
        return False
    return True
