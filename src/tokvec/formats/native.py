"""The native ``.tokvec`` file: one safetensors file, versioned, memory-mappable, no pickle.

Tensors: ``vectors`` (n x dim, F32 or F16), ``norms`` (F32, n), ``vocab_utf8`` (U8: every
token followed by ``\\n``), ``vocab_offsets`` (I64, n+1: token i is
``vocab_utf8[offsets[i]:offsets[i+1]-1]``), optional ``counts`` (I64, n), and ``index.table``
(I64, feature ``index``: the token -> row hash table, so opening never rebuilds it). Metadata:
``{"format": "tokvec", "version": "2", "source": ..., "features": ..., "requires": ..., "matrix": ...}``.
The whole layout, version 2's optional parts and what a reader checks are in ``docs/format.md``;
version-1 files (no ``features``) still open.

The container is ``tokvec._plumbing.container`` (streamed to disk without a second copy, opened by
mapping it): opening reads only the header; tokens are decoded on first use. Tests check that
the official ``safetensors`` library reads our files. A file written from a Hugging Face model
records its ``tokenizer_dir``; opening it re-attaches that tokenizer while the directory exists.

Deliberately left out: compression (the file is mapped) and in-place edits.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np

from .._plumbing import container as st
from ..errors import FormatError
from ..search import compact
from ..vectors import Vectors
from ..vocab import INDEX_HASH, Vocab
from ..vocab import subwords as _subwords
from . import _validate, hf
from .base import Format

EXTENSION = ".tokvec"
NAME = "tokvec"
VERSION = "2"  # docs/format.md: version 2 adds optional parts named in ``features``
SUPPORTED_VERSIONS = {"1", "2"}
# the optional parts of a version-2 file this tokvec understands (docs/format.md)
KNOWN_FEATURES = frozenset({"index", "int8", "float16", "subwords"})
_TENSORS = ("vectors", "norms", "vocab_utf8", "vocab_offsets", "counts")


def sniff(path: Path, head: bytes) -> st.Header | None:
    """The parsed safetensors header if ``head`` starts like one (parsed from ``head`` when it fits)."""
    return st.read_header(path, head) if st.looks_like(head) else None


def read(path: Path, header: st.Header | None = None, *, limit: int | None = None, mmap: bool = True,
         errors: str = "strict") -> Vectors:
    """Open a ``.tokvec`` file; with ``mmap=True`` nothing but the header is read now."""
    header = header if header is not None else st.read_header(path)
    meta = header.metadata
    if meta.get("format") != NAME:
        raise FormatError(f"{path} is a safetensors file but not a tokvec one (metadata format="
                          f"{meta.get('format')!r}); for a Hugging Face model use `tokvec import-model`")
    version = meta.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise FormatError(f"{path} is tokvec format version {version!r}; this tokvec reads version(s) "
                          f"{', '.join(sorted(SUPPORTED_VERSIONS))}. Upgrade tokvec to open it")
    _check_requires(path, meta)
    _validate.check_tensors(path, header)  # dtypes and shapes; the container checked offsets and sizes
    tensors = {name: st.tensor(header, name, mmap=mmap) for name in _TENSORS if name in header.tensors}
    vectors, scan = _matrix(path, header, tensors, mmap)
    vocab = Vocab.from_packed(tensors["vocab_utf8"], tensors["vocab_offsets"], tensors.get("counts"),
                              table=_stored_index(header, mmap), where=f"{path}: ")
    result = Vectors(vocab, vectors, norms=tensors["norms"], source=meta.get("source") or str(path),
                     metadata=dict(meta), check_duplicates=False,  # written unique; checking would cost an index build
                     scan_copy=scan)
    hf.attach_tokenizer(result)
    result.subwords = _read_subwords(path, header, len(result), result.dim, mmap)
    return result.limit(limit) if limit is not None else result


def _stored_index(header: st.Header, mmap: bool) -> np.ndarray | None:
    """The stored token index (feature ``index``) if the file has one whose hash this tokvec knows."""
    meta = header.metadata
    if "index" not in features(meta) or meta.get("index.hash") != INDEX_HASH or "index.table" not in header.tensors:
        return None  # version 1, or an index we do not know: the vocabulary builds its own
    return st.tensor(header, "index.table", mmap=mmap)


def features(meta: dict[str, str], key: str = "features") -> set[str]:
    """The names listed in metadata ``key`` (``features`` or ``requires``) of a version-2 file."""
    return {name.strip() for name in meta.get(key, "").split(",") if name.strip()}


def _check_requires(path: Path, meta: dict[str, str]) -> None:
    unknown = features(meta, "requires") - KNOWN_FEATURES
    if unknown:
        raise FormatError(f"{path} needs a newer tokvec: it requires {', '.join(sorted(unknown))}, which this "
                          f"tokvec does not know. Upgrade tokvec to open it")


def write(vectors: Vectors, path: Path, *, dtype: str | None = None) -> None:
    """Write ``vectors`` as ``.tokvec`` (atomically), optionally converting to float16/float32/int8.

    ``dtype="int8"`` adds an int8 scan copy beside the float32 rows (``Vectors.astype``); a
    ``Vectors`` that already carries a scan copy (or is int8 codes only) is written with it.
    """
    if dtype is not None and str(dtype) == "int8":
        vectors, dtype = vectors.astype("int8"), None
    target_dtype = np.dtype(dtype or vectors.dtype).newbyteorder("<")
    if target_dtype not in (np.dtype("<f4"), np.dtype("<f2"), np.dtype("i1")):
        raise FormatError(f"a .tokvec file stores float32, float16 or int8, not {dtype}")
    if target_dtype != vectors.dtype:
        vectors = vectors.astype(target_dtype.newbyteorder("="))  # range-checked; norms of the stored values
    n, dim = len(vectors), vectors.dim
    buffer, offsets = vectors.vocab.packed()
    step = max(1, (32 * 2**20) // max(1, dim * 4))
    rows = (np.ascontiguousarray(vectors.matrix[s : s + step], dtype=target_dtype).tobytes() for s in range(0, n, step))
    entries = [
        *([st.Entry("vectors", target_dtype, (n, dim), rows)] if target_dtype != np.dtype("i1") else []),
        st.Entry("norms", np.dtype("<f4"), (n,), [np.asarray(vectors.norms, dtype="<f4").tobytes()]),
        st.Entry("vocab_offsets", np.dtype("<i8"), (n + 1,), [np.asarray(offsets, dtype="<i8").tobytes()]),
    ]
    if vectors.counts is not None:
        entries.append(st.Entry("counts", np.dtype("<i8"), (n,), [np.asarray(vectors.counts, dtype="<i8").tobytes()]))
    table = vectors.vocab.hash_table()  # the stored index: opening never rebuilds it
    entries.append(st.Entry("index.table", np.dtype("<i8"), table.shape, [np.asarray(table, dtype="<i8").tobytes()]))
    entries.append(st.Entry("vocab_utf8", np.dtype("u1"), (int(buffer.shape[0]),),
                            [np.asarray(buffer, dtype=np.uint8).tobytes()]))
    meta = {k: str(v) for k, v in vectors.metadata.items()}
    for key in ("features", "requires", "matrix", "index.hash", *[k for k in meta if k.startswith("subwords.")]):
        meta.pop(key, None)  # describe this file, not the one it came from
    present: list[str] = ["index"]
    meta["index.hash"] = INDEX_HASH
    meta.update({"format": NAME, "version": VERSION, "source": vectors.source or meta.get("source", ""),
                 "tokens": str(n), "dim": str(dim), "features": ",".join(present), "requires": "",
                 "matrix": "float16" if target_dtype == np.dtype("<f2") else "float32"})
    _add_compact(vectors, entries, meta)
    _add_subwords(vectors, entries, meta)
    st.write(path, entries, meta)


def _matrix(path: Path, header: st.Header, tensors: dict[str, np.ndarray],
            mmap: bool) -> tuple[np.ndarray, compact.Compact | None]:
    """The exact rows (the int8 codes when ``matrix`` is ``none``) and the scan copy, checked against them."""
    meta = header.metadata
    present = features(meta)
    scan = None
    for kind, names in (("int8", ("int8.codes", "int8.scales", "int8.errors")),
                        ("float16", ("float16.unit", None, "float16.errors"))):
        if kind not in present or scan is not None:
            continue
        missing = [name for name in names if name is not None and name not in header.tensors]
        if missing:
            raise FormatError(f"{path}: feature {kind} is listed but tensor {missing[0]!r} is missing; "
                              "rebuild the file with `tokvec convert`")
        rows = st.tensor(header, names[0], mmap=mmap)
        errors = st.tensor(header, names[2], mmap=mmap)
        scales = st.tensor(header, names[1], mmap=mmap) if names[1] else np.ones(len(rows), np.float32)
        if rows.ndim != 2 or scales.shape != (rows.shape[0],) or errors.shape != (rows.shape[0],):
            raise FormatError(f"{path}: the {kind} tensors do not agree in shape; "
                              "rebuild the file with `tokvec convert`")
        scan = compact.Compact(kind, rows, np.asarray(scales), np.asarray(errors))
    if meta.get("matrix") == "none":
        if scan is None or scan.kind != "int8":
            raise FormatError(f"{path}: matrix is 'none' but there are no int8 codes; "
                              "rebuild the file with `tokvec convert`")
        return scan.rows, scan
    vectors = tensors["vectors"]
    if scan is not None:
        if scan.rows.shape != vectors.shape:
            raise FormatError(f"{path}: {scan.kind} rows have shape {scan.rows.shape}, the vectors "
                              f"{vectors.shape}; rebuild the file with `tokvec convert`")
        if compact.check(vectors, scan.rows) != meta.get(f"{scan.kind}.check"):
            raise FormatError(
                f"{path}: the {scan.kind} block does not match its {vectors.dtype} rows ({scan.kind}.check "
                f"{meta.get(f'{scan.kind}.check')!r} differs); searches would be wrong. Rebuild it with "
                f"`tokvec convert {path} OUT --dtype {scan.kind}`")
    return vectors, scan


def _add_compact(vectors: Vectors, entries: list[st.Entry], meta: dict[str, str]) -> None:
    """The ``int8``/``float16`` feature tensors and metadata of ``vectors``' scan copy, if it has one."""
    scan = vectors.compact
    for key in [k for k in meta if k.startswith(("int8.", "float16."))]:
        if key != "int8.recall@10" or vectors.dtype != np.int8:
            meta.pop(key)  # a recall or check of the file this came from, not of this one
    if vectors.dtype == np.int8:
        meta.update({"matrix": "none", "requires": "int8"})
    elif scan is None or vectors.dtype != np.float32:
        return
    n, dim = scan.rows.shape
    prefix = scan.kind
    step = max(1, (32 * 2**20) // max(1, dim * scan.rows.itemsize))
    rows = scan.rows.dtype.newbyteorder("<") if scan.rows.dtype != np.int8 else np.dtype("i1")
    chunks = (np.ascontiguousarray(scan.rows[s : s + step], dtype=rows).tobytes() for s in range(0, n, step))
    entries.append(st.Entry(f"{prefix}.codes" if prefix == "int8" else f"{prefix}.unit", rows, (n, dim), chunks))
    if prefix == "int8":
        entries.append(st.Entry("int8.scales", np.dtype("<f4"), (n,), [np.asarray(scan.scales, "<f4").tobytes()]))
    entries.append(st.Entry(f"{prefix}.errors", np.dtype("<f4"), (n,), [np.asarray(scan.errors, "<f4").tobytes()]))
    meta["features"] = ",".join(sorted(features(meta) | {prefix}))
    if vectors.dtype == np.float32:
        meta[f"{prefix}.check"] = compact.check(np.asarray(vectors.matrix, np.float32), scan.rows)


def _add_subwords(vectors: Vectors, entries: list[st.Entry], meta: dict[str, str]) -> None:
    """Feature ``subwords``: the n-gram bucket matrix (and the raw word rows when known) and the settings."""
    sub = vectors.subwords
    if sub is None:
        return
    for name, rows in (("subwords.buckets", sub.buckets), ("subwords.word_rows", sub.word_rows)):
        if rows is None or (name == "subwords.word_rows" and len(rows) != len(vectors)):
            continue
        entries.append(st.Entry(name, np.dtype("<f4"), tuple(rows.shape), _chunks(rows)))
    meta.update({"subwords.minn": str(sub.minn), "subwords.maxn": str(sub.maxn), "subwords.bucket": str(sub.bucket),
                 "subwords.hash": _subwords.HASH, "subwords.encoding": sub.encoding})
    meta["features"] = ",".join(sorted(features(meta) | {"subwords"}))
    meta["requires"] = ",".join(sorted(features(meta, "requires") | {"subwords"}))


def _chunks(rows: np.ndarray):
    """``rows`` as little-endian float32 bytes, 32 MiB at a time (the bucket matrix may be larger than memory)."""
    step = max(1, (32 * 2**20) // max(1, rows.shape[1] * 4))
    return (np.ascontiguousarray(rows[s : s + step], dtype="<f4").tobytes() for s in range(0, len(rows), step))


def _read_subwords(path: Path, header: st.Header, n: int, dim: int, mmap: bool) -> _subwords.Subwords | None:
    """The ``subwords`` feature of a version-2 file, checked against the vectors' shape; None without it."""
    meta = header.metadata
    if "subwords" not in features(meta):
        return None
    try:
        minn, maxn, bucket = (int(meta[f"subwords.{k}"]) for k in ("minn", "maxn", "bucket"))
    except (KeyError, ValueError):
        raise FormatError(f"{path}: feature subwords lacks integer subwords.minn/maxn/bucket metadata; "
                          "rebuild the file with `tokvec convert`") from None
    shapes = {"subwords.buckets": [bucket, dim], "subwords.word_rows": [n, dim]}
    for name, want in shapes.items():
        entry = header.tensors.get(name)
        if entry is None and name == "subwords.word_rows":
            continue
        if entry is None or entry["dtype"] not in ("F32", "F16") or entry["shape"] != want:
            raise FormatError(f"{path}: tensor {name!r} is missing or not F32/F16 {tuple(want)}; rebuild the file "
                              "with `tokvec convert`")
    if meta.get("subwords.hash") != _subwords.HASH or not 0 < minn <= maxn or bucket <= 0:
        raise FormatError(f"{path}: subwords settings {minn}-{maxn}, {bucket} buckets, hash "
                          f"{meta.get('subwords.hash')!r} are not fastText's; rebuild the file with `tokvec convert`")
    encoding = meta.get("subwords.encoding", "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise FormatError(f"{path}: subwords.encoding {encoding[:40]!r} is not an encoding Python knows; rebuild the "
                          "file with `tokvec convert`") from None
    word_rows = st.tensor(header, "subwords.word_rows", mmap=mmap) if "subwords.word_rows" in header.tensors else None
    return _subwords.Subwords(st.tensor(header, "subwords.buckets", mmap=mmap), minn, maxn, encoding, word_rows)


FORMAT = Format(NAME, "tokvec's own file: safetensors, memory-mapped, any token", sniff, read, write,
                extensions=(EXTENSION,), aliases=("native", "safetensors"), mapped=True)
