"""The safetensors container, read by memory-mapping and written by streaming: the one implementation.

Layout (the safetensors spec): an 8-byte little-endian header length, a JSON header (padded with
spaces to 8 bytes) mapping each tensor name to ``{"dtype", "shape", "data_offsets"}`` plus an
optional ``"__metadata__"`` of strings, then the raw little-endian tensors. ``.tokvec`` files
(``formats.native``), ANN indexes (``tokvec.search.ann``) and Hugging Face weights (``formats.hf``) all go
through :func:`read_header`, :func:`tensor` and :func:`write`.

Why by hand and not through the ``safetensors`` library (a dependency; the tests check that it
reads every file written here): its numpy API copies each tensor into memory on read (a 3.6 GB
matrix would be read to open the file, where mapping it costs ~1 ms) and builds the whole file in
memory on write (``save`` returns bytes). Here opening reads only the header and tensors are
``np.memmap`` views; writing streams each tensor in bounded chunks into an atomic file.

Deliberately left out: dtypes tokvec never reads (BF16 is mapped as its raw 16 bits; the caller
widens it), and writing non-contiguous tensor layouts.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import FormatError
from . import headers as _header_checks
from .files import atomic_write

DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "F64": np.dtype("<f8"), "BF16": np.dtype("<u2"),
          "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I8": np.dtype("i1"),
          "U8": np.dtype("u1")}
CODES = {dt: code for code, dt in DTYPES.items() if code != "BF16"}
MAX_HEADER = 100 * 2**20


@dataclass(frozen=True)
class Header:
    """A parsed header: tensor entries by name, the metadata, where data starts, the file size."""

    path: Path
    tensors: dict[str, dict]
    metadata: dict[str, str]
    data_start: int
    size: int


def looks_like(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a file) starts like a safetensors file."""
    if len(head) < 9:
        return False
    (size,) = struct.unpack("<Q", head[:8])
    return 2 <= size <= MAX_HEADER and head[8:9] in (b"{", b"[")  # "[": a damaged header, refused


def read_header(path: Path, head: bytes = b"") -> Header:
    """Parse the header of ``path``; ``head``, the file's first bytes if already read, saves a read."""
    if len(head) < 8:
        with open(path, "rb") as f:
            head = f.read(8)
        if len(head) < 8:
            raise FormatError(f"{path} is too short to be a .tokvec file ({len(head)} bytes)")
    (length,) = struct.unpack("<Q", head[:8])
    if length > MAX_HEADER:
        raise FormatError(f"{path}: header length {length:,} is implausible; not a .tokvec file or corrupted")
    text = head[8 : 8 + length]
    if len(text) < length:
        with open(path, "rb") as f:
            f.seek(8)
            text = f.read(length)
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, huge integers
        raise FormatError(f"{path}: the safetensors header is not valid JSON ({_exc_line(exc)}); the file is "
                          "corrupted or truncated: rebuild it with `tokvec convert`") from None
    size = Path(path).stat().st_size
    tensors, metadata = _header_checks.check(Path(path), parsed, 8 + length, size)  # entries are safe to map
    return Header(Path(path), tensors, metadata, 8 + length, size)


def tensor(header: Header, name: str, *, mmap: bool = True) -> np.ndarray:
    """Tensor ``name`` as a read-only memory map (``mmap=True``) or an array read into memory.

    Its entry is checked against its dtype and shape and against the file's size (a truncated
    file says so, and how to recover).
    """
    path, info = header.path, header.tensors[name]
    try:
        dtype = DTYPES[info["dtype"]]
        shape = tuple(int(s) for s in info["shape"])
        begin, end = (int(x) for x in info["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise FormatError(f"{path}: tensor {name!r} has an unsupported or malformed entry {info}") from None
    count = int(np.prod(shape)) if shape else 1
    if end - begin != count * dtype.itemsize:
        raise FormatError(f"{path}: tensor {name!r} claims shape {shape} but spans {end - begin:,} bytes")
    if header.data_start + end > header.size:
        raise FormatError(
            f"{path} is truncated: tensor {name!r} ends at byte {header.data_start + end:,} but the file has "
            f"{header.size:,} bytes. Re-create it (tokvec convert) or re-copy it"
        )
    if count == 0:
        return np.zeros(shape, dtype)
    offset = header.data_start + begin
    if mmap:
        return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape)
    return np.fromfile(path, dtype=dtype, count=count, offset=offset).reshape(shape)


def _exc_line(exc: Exception) -> str:
    return str(exc)[:120] if not isinstance(exc, RecursionError) else "nested too deeply"


@dataclass(frozen=True)
class Entry:
    """A tensor to write: its name, dtype, shape and its bytes as chunks (any buffer objects)."""

    name: str
    dtype: np.dtype
    shape: tuple[int, ...]
    chunks: Iterable


def write(path: str | Path, entries: list[Entry], metadata: dict[str, str]) -> None:
    """Write ``entries`` in order, atomically, one chunk at a time; a chunk count mismatch raises."""
    header: dict = {}
    pos = 0
    for e in entries:
        nbytes = int(np.prod(e.shape)) * np.dtype(e.dtype).itemsize
        header[e.name] = {"dtype": CODES[np.dtype(e.dtype)], "shape": list(e.shape),
                          "data_offsets": [pos, pos + nbytes]}
        pos += nbytes
    header["__metadata__"] = metadata
    blob = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with atomic_write(path) as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for e in entries:
            written = sum(f.write(chunk) for chunk in e.chunks)
            expected = header[e.name]["data_offsets"][1] - header[e.name]["data_offsets"][0]
            if written != expected:
                raise ValueError(f"tensor {e.name!r}: {written:,} bytes written, {expected:,} declared")
