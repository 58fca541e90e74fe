"""Loading and saving vectors in every supported format.

``load`` accepts a builtin name (``"glove"``, ``"minilm"``), a path to a vector file (the
format is sniffed from its bytes) or a Hugging Face model directory (its token-embedding
matrix, see ``formats.hf``), and returns ``Vectors``. ``save`` picks the format from ``format=`` or the extension.

| format            | read | write | extensions          |
|-------------------|------|-------|---------------------|
| tokvec            | yes  | yes   | .tokvec             |
| word2vec-binary   | yes  | yes   | .bin                |
| word2vec-text     | yes  | yes   | .txt .vec (fastText)|
| glove             | yes  | yes   | (no header)         |

Compressed inputs (gzip, bz2, xz) are read transparently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np

from ..errors import FormatError, InvalidArgumentError, NonFiniteError
from ..vectors import Vectors
from . import detect, glove, native, registry, word2vec

Format = Literal["tokvec", "word2vec-binary", "word2vec-text", "glove"]
FORMATS: tuple[str, ...] = ("tokvec", "word2vec-binary", "word2vec-text", "glove")
_ALIASES = {"word2vec": "word2vec-binary", "bin": "word2vec-binary", "binary": "word2vec-binary",
            "text": "word2vec-text", "fasttext": "word2vec-text", "vec": "word2vec-text", "txt": "word2vec-text",
            "native": "tokvec", "safetensors": "tokvec"}
_EXTENSIONS = {".tokvec": "tokvec", ".bin": "word2vec-binary", ".vec": "word2vec-text", ".txt": "word2vec-text"}


def format_name(fmt: str) -> str:
    """The canonical name of a format or alias (``"w2v"`` -> ``"word2vec-binary"``); unknown names raise."""
    name = _ALIASES.get(fmt, fmt)
    if name not in FORMATS:
        raise InvalidArgumentError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return name


def resolve_path(source: str | os.PathLike[str]) -> Path:
    """A path for ``source``: an existing file, or the cached file of a builtin name."""
    path = Path(source)
    if path.exists():
        return path
    text = str(source)
    if os.sep in text or "." in Path(text).name:
        raise FormatError(f"no such file: {path}. Check the path, or use a builtin name: "
                          f"{', '.join(registry.names())}")
    return registry.resolve(text)


def load(
    source: str | os.PathLike[str],
    *,
    format: Format | None = None,
    limit: int | None = None,
    dtype: str | None = None,
    mmap: bool = True,
    errors: Literal["strict", "replace", "ignore"] = "strict",
    nonfinite: Literal["error", "drop", "keep"] = "error",
) -> Vectors:
    """Load vectors from a builtin name or a file of any supported format.

    ``limit`` keeps the first N tokens (read no further); ``dtype`` converts to float32/float16;
    ``mmap`` maps ``.tokvec`` files instead of reading them (other formats are parsed into memory);
    ``errors`` is the UTF-8 policy for tokens; ``nonfinite`` says what to do with rows containing
    NaN or infinity.

    >>> import tokvec
    >>> v = tokvec.load("glove")          # doctest: +SKIP
    >>> v.most_similar("frog", topn=3)    # doctest: +SKIP
    """
    if limit is not None and (not isinstance(limit, (int, np.integer)) or limit < 0):
        raise InvalidArgumentError(f"limit must be a non-negative integer, got {limit!r}")
    path = resolve_path(source)
    if path.is_dir():  # a Hugging Face model directory: its token-embedding matrix
        from . import hf

        vectors = hf.load_model_dir(path)
        vectors = vectors.limit(limit) if limit is not None else vectors
        return vectors.astype(dtype) if dtype is not None else vectors
    fmt = format_name(format) if format else detect.sniff(path)
    if fmt == "tokvec":
        vectors = native.read(path, limit=limit, mmap=mmap)
        if vectors.metadata.get("tokenizer_dir"):
            from . import hf

            hf.attach_tokenizer(vectors)
    elif fmt == "word2vec-binary":
        vectors = word2vec.read_binary(path, limit=limit, errors=errors)
    elif fmt == "word2vec-text":
        vectors = word2vec.read_text(path, header=True, limit=limit, errors=errors)
    else:
        vectors = glove.read(path, limit=limit, errors=errors)
    vectors.metadata.setdefault("format", fmt)
    vectors.metadata["loaded_format"] = fmt
    vectors = _check_finite(vectors, nonfinite, path, header_lines=1 if fmt.startswith("word2vec") else 0,
                            text=fmt in ("word2vec-text", "glove"))
    if dtype is not None:
        vectors = vectors.astype(dtype)
    return vectors


def _check_finite(vectors: Vectors, policy: str, path: Path, header_lines: int, text: bool) -> Vectors:
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
    where = f"line {first + 1 + header_lines:,}" if text else f"row {first:,}"
    raise NonFiniteError(
        f"{path}: {bad.size:,} vector(s) contain NaN or infinity, the first is {vectors.token(first)!r} "
        f"({where}). Pass nonfinite='drop' to skip such rows or nonfinite='keep' to load them as they are "
        "(CLI: --nonfinite drop)"
    )


def save(
    vectors: Vectors,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    dtype: str | None = None,
) -> Path:
    """Write ``vectors`` to ``path`` atomically; the format comes from ``format`` or the extension.

    A ``.gz`` suffix after the extension compresses text and binary formats with gzip.
    Returns the path written.
    """
    path = Path(path)
    suffixes = [s for s in path.suffixes if s != ".gz"]
    if format:
        fmt = format_name(format)
    elif suffixes and suffixes[-1] in _EXTENSIONS:
        fmt = _EXTENSIONS[suffixes[-1]]
    else:
        raise InvalidArgumentError(
            f"cannot tell which format to write from the name {path.name!r}; use an extension "
            f"({', '.join(_EXTENSIONS)}) or pass format= one of {', '.join(FORMATS)}"
        )
    if dtype is not None and fmt != "tokvec":
        vectors = vectors.astype(dtype)
    gz = path.suffix == ".gz"
    if gz and fmt == "tokvec":
        raise InvalidArgumentError(".tokvec files are memory-mapped and cannot be gzip-compressed; drop '.gz'")
    target = path.with_suffix("") if gz else path
    writers = {
        "tokvec": lambda p: native.write(vectors, p, dtype=dtype),
        "word2vec-binary": lambda p: word2vec.write_binary(vectors, p),
        "word2vec-text": lambda p: word2vec.write_text(vectors, p, header=True),
        "glove": lambda p: glove.write(vectors, p),
    }
    if not gz:
        writers[fmt](path)
        return path
    import gzip
    import shutil
    import tempfile

    from .._io import atomic_write

    with tempfile.TemporaryDirectory(dir=path.parent if str(path.parent) else ".") as tmp:
        plain = Path(tmp) / target.name
        writers[fmt](plain)
        with atomic_write(path) as out, open(plain, "rb") as src, gzip.GzipFile(fileobj=out, mode="wb") as z:
            shutil.copyfileobj(src, z, 1 << 20)
    return path


__all__ = ["FORMATS", "Format", "load", "save", "resolve_path", "registry"]
