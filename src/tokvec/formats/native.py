"""The native ``.tokvec`` file: one safetensors file, versioned, memory-mappable, no pickle.

Tensors: ``vectors`` (n x dim, F32 or F16), ``norms`` (F32, n), ``vocab_utf8`` (U8: every
token followed by ``\\n``), ``vocab_offsets`` (I64, n+1: token i is
``vocab_utf8[offsets[i]:offsets[i+1]-1]``), optional ``counts`` (I64, n). Metadata:
``{"format": "tokvec", "version": "1", "source": ..., ...}``.

The file is written and read by this module directly (the layout is the safetensors spec:
an 8-byte little-endian header length, a JSON header padded to 8 bytes, then the raw
tensors) so that a 3.6 GB matrix is streamed to disk without a second copy and opened by
mapping it: opening reads only the header; tokens are decoded on first use. Tests check
that the official ``safetensors`` library reads our files.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from .._io import atomic_write
from ..errors import FormatError
from ..vectors import Vectors
from ..vocab import Vocab

FORMAT = "tokvec"
VERSION = "1"
SUPPORTED_VERSIONS = {"1"}
_DTYPES = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "I64": np.dtype("<i8"), "U8": np.dtype("u1")}
_CODES = {v: k for k, v in _DTYPES.items()}
_MAX_HEADER = 100 * 2**20


def is_native(head: bytes) -> bool:
    """True if ``head`` (the first bytes of a file) starts like a safetensors file."""
    if len(head) < 9:
        return False
    (size,) = struct.unpack("<Q", head[:8])
    return 2 <= size <= _MAX_HEADER and head[8:9] == b"{"


def read_header(path: Path) -> tuple[dict, int]:
    """The parsed JSON header and the byte offset where tensor data starts."""
    with open(path, "rb") as f:
        raw = f.read(8)
        if len(raw) < 8:
            raise FormatError(f"{path} is too short to be a .tokvec file ({len(raw)} bytes)")
        (size,) = struct.unpack("<Q", raw)
        if size > _MAX_HEADER:
            raise FormatError(f"{path}: header length {size:,} is implausible; not a .tokvec file or corrupted")
        text = f.read(size)
    try:
        header = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: the safetensors header is not valid JSON ({exc}); the file is "
                          "corrupted or truncated: rebuild it with `tokvec convert`") from None
    return header, 8 + size


def read(path: Path, *, limit: int | None = None, mmap: bool = True) -> Vectors:
    """Open a ``.tokvec`` file; with ``mmap=True`` nothing but the header is read now."""
    header, data_start = read_header(path)
    meta = header.pop("__metadata__", None) or {}
    if meta.get("format") != FORMAT:
        raise FormatError(f"{path} is a safetensors file but not a tokvec one (metadata format="
                          f"{meta.get('format')!r}); for a Hugging Face model use `tokvec import-model`")
    version = meta.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise FormatError(f"{path} is tokvec format version {version!r}; this tokvec reads version(s) "
                          f"{', '.join(sorted(SUPPORTED_VERSIONS))}. Upgrade tokvec to open it")
    size = path.stat().st_size
    tensors = {}
    for name in ("vectors", "norms", "vocab_utf8", "vocab_offsets", "counts"):
        if name not in header:
            if name == "counts":
                continue
            raise FormatError(f"{path}: tensor {name!r} is missing; rebuild the file with `tokvec convert`")
        tensors[name] = _tensor(path, header[name], name, data_start, size, mmap)
    vectors, offsets = tensors["vectors"], tensors["vocab_offsets"]
    n = vectors.shape[0]
    if offsets.shape != (n + 1,) or tensors["norms"].shape != (n,):
        raise FormatError(f"{path}: vocab_offsets/norms do not match {n:,} vectors; the file is corrupted")
    vocab = Vocab.from_packed(tensors["vocab_utf8"], offsets, tensors.get("counts"))
    result = Vectors(vocab, vectors, norms=tensors["norms"], source=meta.get("source") or str(path),
                     metadata=meta, check_duplicates=False)  # written unique; checking would cost an index build
    return result.limit(limit) if limit is not None else result


def _tensor(path: Path, info: dict, name: str, data_start: int, size: int, mmap: bool) -> np.ndarray:
    try:
        dtype = _DTYPES[info["dtype"]]
        shape = tuple(int(s) for s in info["shape"])
        begin, end = (int(x) for x in info["data_offsets"])
    except (KeyError, TypeError, ValueError):
        raise FormatError(f"{path}: tensor {name!r} has an unsupported or malformed entry {info}") from None
    count = int(np.prod(shape)) if shape else 1
    if end - begin != count * dtype.itemsize:
        raise FormatError(f"{path}: tensor {name!r} claims shape {shape} but spans {end - begin:,} bytes")
    if data_start + end > size:
        raise FormatError(
            f"{path} is truncated: tensor {name!r} ends at byte {data_start + end:,} but the file has "
            f"{size:,} bytes. Re-create it (tokvec convert) or re-copy it"
        )
    if count == 0:
        return np.zeros(shape, dtype)
    if mmap:
        return np.memmap(path, dtype=dtype, mode="r", offset=data_start + begin, shape=shape)
    return np.fromfile(path, dtype=dtype, count=count, offset=data_start + begin).reshape(shape)


def write(vectors: Vectors, path: Path, *, dtype: str | None = None) -> None:
    """Write ``vectors`` as ``.tokvec`` (atomically), optionally converting to float16/float32."""
    target_dtype = np.dtype(dtype or vectors.dtype).newbyteorder("<")
    if target_dtype not in (np.dtype("<f4"), np.dtype("<f2")):
        raise FormatError(f"a .tokvec file stores float32 or float16, not {dtype}")
    if target_dtype != vectors.dtype:
        vectors = vectors.astype(target_dtype.newbyteorder("="))  # range-checked; norms of the stored values
    n, dim = len(vectors), vectors.dim
    buffer, offsets = vectors.vocab.packed()
    norms = np.asarray(vectors.norms, dtype="<f4")
    parts: list[tuple[str, np.dtype, tuple[int, ...]]] = [
        ("vectors", target_dtype, (n, dim)),
        ("norms", np.dtype("<f4"), (n,)),
        ("vocab_offsets", np.dtype("<i8"), (n + 1,)),
    ]
    counts = vectors.counts
    if counts is not None:
        parts.append(("counts", np.dtype("<i8"), (n,)))
    parts.append(("vocab_utf8", np.dtype("u1"), (int(buffer.shape[0]),)))
    header: dict = {}
    pos = 0
    for name, dt, shape in parts:
        nbytes = int(np.prod(shape)) * dt.itemsize
        header[name] = {"dtype": _CODES[dt], "shape": list(shape), "data_offsets": [pos, pos + nbytes]}
        pos += nbytes
    meta = {k: str(v) for k, v in vectors.metadata.items()}
    meta.update({"format": FORMAT, "version": VERSION, "source": vectors.source or meta.get("source", ""),
                 "tokens": str(n), "dim": str(dim)})
    header["__metadata__"] = meta
    blob = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with atomic_write(path) as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        step = max(1, (32 * 2**20) // max(1, dim * 4))
        for start in range(0, n, step):
            f.write(np.ascontiguousarray(vectors.matrix[start : start + step], dtype=target_dtype).tobytes())
        f.write(norms.tobytes())
        f.write(np.asarray(offsets, dtype="<i8").tobytes())
        if counts is not None:
            f.write(np.asarray(counts, dtype="<i8").tobytes())
        f.write(np.asarray(buffer, dtype=np.uint8).tobytes())
