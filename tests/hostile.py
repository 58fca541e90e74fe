"""Builders of damaged and crafted files for the hostile-input tests and the fuzz suite."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

import tokvec


def small_vectors(n: int = 6, dim: int = 4) -> tokvec.Vectors:
    rng = np.random.default_rng(0)
    return tokvec.Vectors([f"tok{i}" for i in range(n)], rng.standard_normal((n, dim)).astype(np.float32),
                          counts=np.arange(n, 0, -1))


def split_safetensors(raw: bytes) -> tuple[dict, bytes]:
    """``(parsed header, data bytes)`` of a safetensors file's bytes."""
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + length]), raw[8 + length :]


def join_safetensors(header: object, data: bytes) -> bytes:
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    return struct.pack("<Q", len(blob)) + blob + data


def tokvec_file(tmp_path: Path, name: str = "v.tokvec", vectors: tokvec.Vectors | None = None) -> Path:
    return tokvec.save(vectors if vectors is not None else small_vectors(), tmp_path / name)


def with_header(path: Path, edit) -> Path:
    """Rewrite ``path``'s safetensors header with ``edit(header) -> header`` (data bytes kept)."""
    header, data = split_safetensors(path.read_bytes())
    path.write_bytes(join_safetensors(edit(header), data))
    return path


def with_tensor(path: Path, name: str, edit) -> Path:
    """Rewrite tensor ``name``'s bytes in place with ``edit(array) -> array`` (same size)."""
    raw = bytearray(path.read_bytes())
    header, _ = split_safetensors(bytes(raw))
    start = 8 + struct.unpack("<Q", raw[:8])[0]
    entry = header[name]
    begin, end = entry["data_offsets"]
    dtype = {"I64": "<i8", "U8": "u1", "F32": "<f4"}[entry["dtype"]]
    array = np.frombuffer(bytes(raw[start + begin : start + end]), dtype).copy()
    new = np.asarray(edit(array), dtype).tobytes()
    assert len(new) == end - begin
    raw[start + begin : start + end] = new
    path.write_bytes(bytes(raw))
    return path
