"""Loading and saving vectors in every supported format.

``load`` accepts a builtin name (``"glove"``, ``"minilm"``), a path to a vector file (the
format is sniffed from its bytes) or a Hugging Face model directory (its token-embedding
matrix, see ``formats.hf``), and returns ``Vectors``. ``save`` picks the format from ``format=`` or the extension.

| format            | read | write | extensions          |
|-------------------|------|-------|---------------------|
| tokvec            | yes  | yes   | .tokvec             |
| fasttext-bin      | yes  | yes   | (.bin, by its magic)|
| word2vec-binary   | yes  | yes   | .bin                |
| word2vec-text     | yes  | yes   | .txt .vec (fastText)|
| glove             | yes  | yes   | (no header)         |
| gensim            | yes  | no    | .model .kv (pickle) |
| model2vec         | yes  | yes   | (a folder)          |
| sentence-transformers | yes | yes | (a StaticEmbedding folder) |

Folders (``formats.static``) are read when ``load`` is given a directory and written with ``format=``.
Compressed inputs (gzip, bz2, xz) are read transparently. Each format is one module with one
``Format`` record (``formats.base``); ``formats.table`` lists them, and ``load``/``save`` only loop
over that table.

Deliberately left out: the formats' own parsing (their modules) and anything that needs the
network (builtins ship in packages, ``formats.registry``).
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from pathlib import Path
from typing import Literal

import numpy as np

from .._plumbing.files import atomic_write, reading, temp_prefix
from ..errors import FormatError, InvalidArgumentError, NonFiniteError, UnsafeFileError
from ..search.compact import check_scale, dtype_name
from ..vectors import Vectors
from . import detect, hf, native, registry, static
from .base import Format
from .counts import read_counts, write_counts
from .table import FORMATS, TABLE, WRITABLE, for_path, format_name, lookup


def _locate(source: str | os.PathLike[str]) -> tuple[Path, Format | None]:
    """The path for ``source`` and, for a builtin name, its known format (its cache file is native)."""
    path = Path(source)
    if path.exists():
        return path, None
    text = str(source)
    if os.sep in text or "." in Path(text).name:
        raise FormatError(f"no such file: {path}. Check the path, or use a builtin name: "
                          f"{', '.join(registry.names())}")
    return registry.resolve(text), native.FORMAT


def resolve_path(source: str | os.PathLike[str]) -> Path:
    """A path for ``source``: an existing file, or the cached file of a builtin name."""
    return _locate(source)[0]


def load(
    source: str | os.PathLike[str],
    *,
    format: str | None = None,
    limit: int | None = None,
    dtype: str | None = None,
    mmap: bool = True,
    errors: Literal["strict", "replace", "ignore"] = "strict",
    nonfinite: Literal["error", "drop", "keep"] = "error",
    lower: bool = False,
    counts: str | os.PathLike[str] | None = None,
    encoding: str | None = None,
) -> Vectors:
    """Load vectors from a builtin name or a file of any supported format.

    ``format`` is one of ``FORMATS`` or an alias (unset: sniffed from the file's bytes);
    ``limit`` keeps the first N tokens (read no further); ``dtype`` converts to float32/float16;
    ``mmap`` maps ``.tokvec`` files instead of reading them (other formats are parsed into memory);
    ``errors`` is the UTF-8 policy for tokens; ``nonfinite`` says what to do with rows containing
    NaN or infinity; ``lower`` makes a word that is not in the vocabulary fall back to its lower-case
    form (torchtext's ``lower_case_backup``; ``Vectors.explain`` says when it did); ``counts`` reads the
    token counts from a word2vec vocabulary file (``-save-vocab``, gensim's ``fvocab=``; ``formats.counts``);
    ``encoding`` (fastText ``.bin`` only, default UTF-8) is the byte encoding of its words, e.g. ``"cp852"``.

    >>> import tokvec
    >>> v = tokvec.load("glove")          # doctest: +SKIP
    >>> v.most_similar("frog", topn=3)    # doctest: +SKIP
    """
    if limit is not None and (not isinstance(limit, (int, np.integer)) or limit < 0):
        raise InvalidArgumentError(f"limit must be a non-negative integer, got {limit!r}")
    path, fmt = _locate(source)
    if path.is_dir():  # a model2vec/StaticEmbedding folder, or a Hugging Face model's token-embedding matrix
        layout = static.sniff(path)
        vectors = hf.load_model_dir(path) if layout is None else static.read(path, layout)
        vectors = vectors.limit(limit) if limit is not None else vectors
        vectors = vectors.astype(dtype) if dtype is not None else vectors
        vectors.lower = bool(lower)
        return vectors
    header = None
    with reading(path):  # a truncated .gz or a corrupt stream is a FormatError naming the file
        if format:
            fmt = lookup(format)
        elif fmt is None:
            fmt, header = detect.identify(path)
        options = {} if encoding is None else {"encoding": encoding}
        if options and "encoding" not in fmt.options:
            raise InvalidArgumentError(f"encoding= is for fastText .bin models; {path} is {fmt.name}, whose "
                                       "tokens are UTF-8 (use errors= for bad bytes)")
        try:
            vectors = fmt.read(path, header, limit=limit, errors=errors, mmap=mmap, **options)
        except FormatError as exc:  # say how the format was decided, and how to decide otherwise
            if header is not None and not fmt.mapped and exc.args and not isinstance(exc, UnsafeFileError):
                exc.args = (str(exc.args[0]) + detect.describe(fmt), *exc.args[1:])
            raise
    vectors.metadata.setdefault("format", fmt.name)
    vectors.metadata["loaded_format"] = fmt.name
    vectors = _check_finite(vectors, nonfinite, path, fmt)
    if dtype is not None:
        vectors = vectors.astype(dtype)
    vectors.lower = bool(lower)
    return vectors if counts is None else vectors.with_counts(read_counts(counts, vectors.tokens, errors))


def _check_finite(vectors: Vectors, policy: str, path: Path, fmt: Format) -> Vectors:
    if policy not in ("error", "drop", "keep"):
        raise InvalidArgumentError(f"nonfinite must be 'error', 'drop' or 'keep', got {policy!r}")
    if policy == "keep" or len(vectors) == 0:
        return vectors
    bad = np.flatnonzero(~np.isfinite(vectors.norms))
    if bad.size:  # a norm can overflow float32 although every value is finite
        rows_finite = np.isfinite(np.asarray(vectors.matrix[bad], dtype=np.float32)).all(axis=1)
        bad = bad[~rows_finite]
    if bad.size == 0:
        return vectors
    if policy == "drop":
        return vectors.select(np.setdiff1d(np.arange(len(vectors)), bad))
    first = int(bad[0])
    raise NonFiniteError(
        f"{path}: {bad.size:,} vector(s) contain NaN or infinity, the first is {vectors.token(first)!r} "
        f"({fmt.where(first)}). Pass nonfinite='drop' to skip such rows or nonfinite='keep' to load them as "
        "they are (CLI: --nonfinite drop)"
    )


def save(
    vectors: Vectors,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    dtype: str | None = None,
    keep_float32: bool | None = None,
    counts: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``vectors`` to ``path`` atomically; the format comes from ``format`` or the extension (``.bin``:
    fastText's ``.bin`` when the vectors have ``subwords``, so their n-grams are kept, else word2vec binary).

    ``dtype`` is float32, float16 or (``.tokvec`` only) int8; ``keep_float32`` (``.tokvec`` only,
    see ``Vectors.astype``) keeps float32 rows beside an int8/float16 scan copy: int8 keeps them
    unless told otherwise, float16 drops them unless told otherwise.
    A ``.gz`` suffix after the extension compresses text and binary formats with gzip. ``counts``
    also writes the token counts there, in word2vec's vocabulary format (``formats.counts``).
    Returns the path written.
    """
    path = Path(path)
    if counts is not None:
        write_counts(vectors.tokens, vectors.counts, counts)
    if format in static.FOLDER_FORMATS:  # folders: a static sentence encoder (model2vec, sentence-transformers)
        if dtype not in (None, "float32", "float16"):
            raise InvalidArgumentError(f"a {format} folder stores float32 or float16 rows, not {dtype}")
        return static.write(vectors.astype(dtype) if dtype else vectors, path, format)
    fmt = lookup(format) if format else for_path(path, vectors.subwords is not None)
    if fmt.write is None:
        raise InvalidArgumentError(f"tokvec reads {fmt.name} files but cannot write them; "
                                   f"use one of {', '.join(WRITABLE)}")
    if dtype is not None:
        dtype = dtype_name(dtype)
    if vectors.dtype == np.int8 and fmt is not native.FORMAT:
        check_scale(vectors, f"{fmt.name} rows")
    if str(dtype) == "int8" or keep_float32 is not None or vectors.dtype == np.int8:
        if fmt is not native.FORMAT:
            raise InvalidArgumentError(f"int8 rows and float32-plus-scan-copy files are .tokvec features; {fmt.name} "
                                       "stores plain float rows. Write a .tokvec file, or drop --dtype int8 / "
                                       "keep-float32")
        if dtype is not None or keep_float32 is not None:
            vectors, dtype = vectors.astype(dtype or vectors.dtype, keep_float32), None
    if path.suffix != ".gz":
        fmt.write(vectors, path, dtype=dtype)
        return path
    if fmt.mapped:
        raise InvalidArgumentError(f"{fmt.extensions[0]} files are memory-mapped and cannot be gzip-compressed; "
                                   "drop '.gz'")
    directory = path.parent if str(path.parent) else Path(".")
    with tempfile.TemporaryDirectory(prefix=temp_prefix(path), suffix=".tmp", dir=directory) as tmp:
        plain = Path(tmp) / path.with_suffix("").name
        fmt.write(vectors, plain, dtype=dtype)
        with atomic_write(path) as out, open(plain, "rb") as src, gzip.GzipFile(fileobj=out, mode="wb") as z:
            shutil.copyfileobj(src, z, 1 << 20)
    return path


__all__ = ["FORMATS", "Format", "TABLE", "WRITABLE", "format_name", "load", "lookup", "registry", "resolve_path",
           "save"]
