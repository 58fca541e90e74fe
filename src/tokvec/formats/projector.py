"""Export vectors for the TensorFlow Embedding Projector, without TensorFlow.

``export_projector(v, "out/")`` writes the files the projector reads:

- ``vectors.tsv``: one row per token, values separated by tabs, no header; each float32 written
  with 7 significant digits where that reads back to the same float32, else 9 (always exact);
- ``metadata.tsv``: a header ``token<TAB>id`` (plus ``count`` when the vectors have counts), then
  one row per token. The id column keeps every row non-blank: the projector skips blank lines,
  which would shift every label after an empty or whitespace-only token;
- ``projector_config.pbtxt``: for TensorBoard (``tensorboard --logdir out/``, Projector tab);
- ``projector_config.json``: the same for the standalone projector (projector.tensorflow.org):
  host the files, put their URLs in it and open ``?config=URL``; or use its Load button on the
  two TSV files.

TSV cannot hold a tab or a newline inside a field, so tokens are escaped: backslash, tab, newline
and carriage return become ``\\\\``, ``\\t``, ``\\n``, ``\\r`` (``tokens="error"`` refuses such
tokens instead). ``read_projector`` reads the files back, undoing the escapes.

Deliberately left out: sprite images, bookmarks, the binary tensor format, and the projector's
own projections (it computes PCA, t-SNE and UMAP itself).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .._plumbing.files import atomic_write
from ..errors import FormatError, InvalidArgumentError
from ..vectors import Vectors

VECTORS_FILE = "vectors.tsv"
METADATA_FILE = "metadata.tsv"
CONFIG_PBTXT = "projector_config.pbtxt"
CONFIG_JSON = "projector_config.json"
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


@dataclass(frozen=True)
class ProjectorFiles:
    """What ``export_projector`` wrote."""

    directory: Path
    vectors: Path
    metadata: Path
    config_pbtxt: Path
    config_json: Path
    rows: int
    dim: int
    escaped: int  # tokens that held a backslash, tab or newline and were escaped


def escape_token(token: str) -> str:
    r"""A token as one TSV field: backslash, tab, newline and CR written as ``\\ \t \n \r``.

    >>> escape_token("a\tb\\c")
    'a\\tb\\\\c'
    >>> unescape_token(escape_token("new\nline")) == "new\nline"
    True
    """
    return "".join(_ESCAPES.get(ch, ch) for ch in token) if any(ch in _ESCAPES for ch in token) else token


def unescape_token(field: str) -> str:
    """The inverse of ``escape_token``; an unknown escape such as ``\\x`` is kept as written."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        ch = field[i]
        if ch == "\\" and i + 1 < len(field) and field[i + 1] in _UNESCAPES:
            out.append(_UNESCAPES[field[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def export_projector(
    v: Vectors,
    out_dir: str | os.PathLike[str],
    *,
    limit: int | None = None,
    tensor_name: str | None = None,
    tokens: Literal["escape", "error"] = "escape",
) -> ProjectorFiles:
    """Write ``vectors.tsv``, ``metadata.tsv`` and both projector configs into ``out_dir``.

    ``limit`` keeps the first N rows (the most frequent, in frequency-sorted files). Each file is
    written atomically; the configs are written last, so they never name a missing file.

    >>> import tempfile
    >>> toy = Vectors(["cat", "dog"], np.array([[0.5, 1.0], [0.25, -2.0]], dtype=np.float32))
    >>> files = export_projector(toy, tempfile.mkdtemp())
    >>> files.vectors.read_text()
    '0.5\\t1\\n0.25\\t-2\\n'
    >>> files.metadata.read_text()
    'token\\tid\\ncat\\t0\\ndog\\t1\\n'
    """
    if tokens not in ("escape", "error"):
        raise InvalidArgumentError(f"tokens must be 'escape' or 'error', got {tokens!r}")
    if limit is not None and limit < 0:
        raise InvalidArgumentError(f"limit must be >= 0, got {limit}")
    n = len(v) if limit is None else min(int(limit), len(v))
    if n == 0:
        raise InvalidArgumentError("nothing to export: the vectors are empty (or limit=0)")
    directory = Path(out_dir)
    if directory.exists() and not directory.is_dir():
        raise InvalidArgumentError(f"{directory} exists and is not a directory; give a directory to write into")
    names = v.vocab.head(n).tokens
    fields, escaped = [], 0
    for row, token in enumerate(names):
        field = escape_token(token)
        if field != token:
            if tokens == "error":
                raise FormatError(
                    f"token {token!r} (row {row:,}) holds a tab, newline or backslash, which a TSV field cannot "
                    "hold as is; export with tokens='escape' (CLI: --tokens escape) to write it as \\t, \\n, \\\\"
                )
            escaped += 1
        fields.append(field)
    counts = None if v.counts is None else np.asarray(v.counts[:n])
    vectors_path = directory / VECTORS_FILE
    with atomic_write(vectors_path) as f:
        step = 8_192
        for start in range(0, n, step):
            block = np.asarray(v.matrix[start : min(start + step, n)], dtype=np.float32)  # (rows, dim)
            bad = ~np.isfinite(block).all(axis=1)
            if bad.any():
                row = start + int(np.flatnonzero(bad)[0])
                raise InvalidArgumentError(
                    f"the vector of {v.token(row)!r} (row {row:,}) holds NaN or infinity, which the projector cannot "
                    "read; load the file with nonfinite='drop' (CLI: tokvec convert --nonfinite drop) first"
                )
            f.write("".join(line + "\n" for line in _format_rows(block)).encode("utf-8"))
    metadata_path = directory / METADATA_FILE
    header = "token\tid" + ("\tcount" if counts is not None else "")
    with atomic_write(metadata_path) as f:
        lines = [header]
        for row, field in enumerate(fields):
            lines.append(f"{field}\t{row}" + (f"\t{int(counts[row])}" if counts is not None else ""))
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    name = tensor_name or v.metadata.get("name") or (Path(v.source).stem if v.source else "") or "tokvec"
    pbtxt_path, json_path = directory / CONFIG_PBTXT, directory / CONFIG_JSON
    with atomic_write(pbtxt_path) as f:
        f.write(_pbtxt(name, n, v.dim).encode("utf-8"))
    config = {"embeddings": [{"tensorName": name, "tensorShape": [n, v.dim], "tensorPath": VECTORS_FILE,
                              "metadataPath": METADATA_FILE}]}
    with atomic_write(json_path) as f:
        f.write((json.dumps(config, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return ProjectorFiles(directory, vectors_path, metadata_path, pbtxt_path, json_path, n, v.dim, escaped)


def read_projector(directory: str | os.PathLike[str]) -> Vectors:
    """Read ``vectors.tsv`` and ``metadata.tsv`` (as ``export_projector`` writes them) back into ``Vectors``.

    A single-column metadata file without a header (the projector's other layout) is read too.
    """
    directory = Path(directory)
    vectors_path, metadata_path = directory / VECTORS_FILE, directory / METADATA_FILE
    if not vectors_path.is_file():
        raise FormatError(f"{vectors_path} not found; export with `tokvec export-projector {directory}` first")
    text = vectors_path.read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line.strip()]
    try:
        matrix = np.array([line.split("\t") for line in lines], dtype=np.float32)  # (n, dim)
    except ValueError as exc:
        raise FormatError(f"{vectors_path}: every line must hold the same number of tab-separated numbers ({exc})") \
            from None
    if not metadata_path.is_file():
        return Vectors([str(i) for i in range(len(matrix))], matrix, source=str(directory))
    rows = [line.rstrip("\r") for line in metadata_path.read_text(encoding="utf-8").split("\n") if line.strip()]
    header = rows[0].split("\t") if rows and "\t" in rows[0] else None
    body = rows[1:] if header else rows
    tokens = [unescape_token(line.split("\t")[0]) for line in body]
    counts = None
    if header and "count" in header:
        column = header.index("count")
        counts = np.array([int(line.split("\t")[column]) for line in body], dtype=np.int64)
    if len(tokens) != len(matrix):
        raise FormatError(f"{metadata_path} has {len(tokens):,} rows but {vectors_path} has {len(matrix):,}; "
                          "they must match one to one")
    return Vectors(tokens, matrix, counts=counts, source=str(directory))


def _format_rows(block: np.ndarray) -> list[str]:
    """Tab-separated text of each row of a float32 block, exact: 7 digits where enough, else 9."""
    dim = block.shape[1]
    short, exact = "\t".join(["%.7g"] * dim), "\t".join(["%.9g"] * dim)
    as_float = block.astype(np.float64).tolist()
    lines = [short % tuple(row) for row in as_float]
    back = np.array("\t".join(lines).split("\t"), dtype=np.float32).reshape(block.shape)
    for r in np.flatnonzero(~(back == block).all(axis=1)):
        lines[r] = exact % tuple(as_float[r])
    return lines


def _pbtxt(name: str, rows: int, dim: int) -> str:
    quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return (
        "embeddings {\n"
        f'  tensor_name: "{quoted}"\n'
        f"  tensor_shape: {rows}\n"
        f"  tensor_shape: {dim}\n"
        f'  tensor_path: "{VECTORS_FILE}"\n'
        f'  metadata_path: "{METADATA_FILE}"\n'
        "}\n"
    )
