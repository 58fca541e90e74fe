"""Encoding files larger than memory: text lines or a Parquet column in, ``.npy`` or Parquet out, atomically.

``encode_file(vectors, source, output)`` reads ``source`` in batches (a text file: one text a line, gzip/bz2/xz
read transparently, UTF-8 checked line by line; a ``.parquet`` file: the string ``column``), encodes each
batch (``encoder.encode``) and appends it to ``output``: ``.npy`` (float32 ``(texts, dim)``; the header is
reserved first and filled in with the row count at the end) or ``.parquet`` (the input's columns, or ``text``,
plus ``embedding``, a fixed-size list of float32). The output is written to a temporary file renamed into place
at the end, so an interrupted run leaves no half-written output; memory stays at one batch.

Deliberately left out: other containers (CSV, JSON lines) and sharded outputs (run one file per shard).
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .._plumbing.files import atomic_write, open_stream
from .._plumbing.optional import require
from ..errors import FormatError, InvalidArgumentError
from .encoder import EncodeOptions, encode

NPY_HEADER = 128  # bytes reserved for the .npy header (magic, version, length, the dict padded with spaces)
OUTPUTS = (".npy", ".parquet")


@dataclass(frozen=True)
class EncodedFile:
    """What ``encode_file`` wrote: the path, how many texts, their dimension, the seconds it took."""

    output: Path
    texts: int
    dim: int
    seconds: float


def _text_batches(path: Path, size: int) -> Iterator[tuple[list[str], None]]:
    """Batches of lines (newline stripped) of a text file; bad UTF-8 names its line."""
    batch: list[str] = []
    with open_stream(path) as stream:
        for number, raw in enumerate(stream, 1):
            try:
                batch.append(raw.decode("utf-8").rstrip("\r\n"))
            except UnicodeDecodeError as exc:
                raise FormatError(f"{path}: line {number:,} is not UTF-8 (byte {exc.start:,} of the line); "
                                  "re-encode the file as UTF-8") from None
            if len(batch) == size:
                yield batch, None
                batch = []
    if batch:
        yield batch, None


def _parquet_batches(path: Path, column: str, size: int, keep_columns: bool) -> Iterator[tuple[list[str], Any]]:
    pq = require("pyarrow.parquet", "none", "reading Parquet", package="pyarrow")
    try:
        file = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError for a damaged or foreign file
        raise FormatError(f"{path} is not a readable Parquet file ({str(exc)[:100]})") from None
    names = file.schema_arrow.names
    if column not in names:
        raise FormatError(f"{path} has no column {column!r} (columns: {', '.join(names[:10])}); pass --column NAME")
    kind = str(file.schema_arrow.field(column).type)
    if kind not in ("string", "large_string"):
        raise FormatError(f"{path}: column {column!r} holds {kind}, not strings; encode a text column")
    for batch in file.iter_batches(batch_size=size, columns=None if keep_columns else [column]):
        texts = batch.column(column).to_pylist()
        yield [t if t is not None else "" for t in texts], batch


def _batches(source: Path, column: str, size: int, keep_columns: bool) -> Iterator[tuple[list[str], Any]]:
    if not source.is_file():
        raise FormatError(f"no such file: {source}")
    if source.stat().st_size == 0:
        raise FormatError(f"{source} is empty; give a text file of one text a line, or a Parquet file")
    if source.suffix == ".parquet":
        return _parquet_batches(source, column, size, keep_columns)
    return _text_batches(source, size)


def _npy_header(rows: int, dim: int) -> bytes:
    text = repr({"descr": "<f4", "fortran_order": False, "shape": (rows, dim)})
    header = b"\x93NUMPY\x01\x00" + (NPY_HEADER - 10).to_bytes(2, "little")
    body = text.encode("latin1")
    return header + body + b" " * (NPY_HEADER - len(header) - len(body) - 1) + b"\n"


class _NpyWriter:
    def __init__(self, handle: BinaryIO, dim: int):
        self.handle, self.dim, self.rows = handle, dim, 0
        handle.write(_npy_header(0, dim))

    def write(self, vectors: np.ndarray, batch: Any, texts: list[str]) -> None:
        self.handle.write(np.ascontiguousarray(vectors, dtype="<f4").tobytes())
        self.rows += len(vectors)

    def close(self) -> None:
        self.handle.seek(0)
        self.handle.write(_npy_header(self.rows, self.dim))
        self.handle.seek(0, os.SEEK_END)


class _ParquetWriter:
    def __init__(self, handle: BinaryIO, dim: int):
        self.pa = require("pyarrow", "none", "writing Parquet")
        self.pq = require("pyarrow.parquet", "none", "writing Parquet", package="pyarrow")
        self.handle, self.dim, self.writer = handle, dim, None

    def write(self, vectors: np.ndarray, batch: Any, texts: list[str]) -> None:
        pa = self.pa
        values = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel(), type=pa.float32())
        embedding = pa.FixedSizeListArray.from_arrays(values, self.dim)
        table = pa.table({"text": texts}) if batch is None else pa.Table.from_batches([batch])
        table = table.append_column("embedding", embedding)
        if self.writer is None:
            self.writer = self.pq.ParquetWriter(self.handle, table.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def encode_file(v: Any, source: str | os.PathLike[str], output: str | os.PathLike[str], *, column: str = "text",
                options: EncodeOptions = EncodeOptions(), progress: Callable[[int], None] | None = None) -> EncodedFile:
    """Encode every text of ``source`` into ``output`` (``.npy`` or ``.parquet``); see the module docstring."""
    source, output = Path(source), Path(output)
    if output.suffix not in OUTPUTS:
        raise InvalidArgumentError(f"cannot tell what to write from {output.name!r}; name the output .npy or .parquet")
    start = time.perf_counter()
    batches = _batches(source, column, options.batch_size, keep_columns=output.suffix == ".parquet")
    rows = 0
    with atomic_write(output) as handle:
        writer = _NpyWriter(handle, v.dim) if output.suffix == ".npy" else _ParquetWriter(handle, v.dim)
        for texts, batch in batches:
            writer.write(encode(v, texts, options), batch, texts)
            rows += len(texts)
            if progress is not None:
                progress(rows)
        if rows == 0:
            raise FormatError(f"{source} holds no texts; nothing to encode")
        writer.close()
    return EncodedFile(output, rows, v.dim, time.perf_counter() - start)


def npy_shape(path: str | os.PathLike[str]) -> tuple[int, ...]:
    """The shape an ``.npy`` file's header declares (for checks and reports)."""
    with open(path, "rb") as f:
        head = f.read(NPY_HEADER)
    return tuple(ast.literal_eval(head[10:].decode("latin1").strip())["shape"])
