"""The native ``.tokvec`` file: one safetensors file, versioned, memory-mappable, no pickle.

Tensors: ``vectors`` (n x dim, F32 or F16), ``norms`` (F32, n), ``vocab_utf8`` (U8: every
token followed by ``\\n``), ``vocab_offsets`` (I64, n+1: token i is
``vocab_utf8[offsets[i]:offsets[i+1]-1]``), optional ``counts`` (I64, n), and ``index.table``
(I64, feature ``index``: the token -> row hash table, so opening never rebuilds it). Metadata:
``{"format": "tokvec", "version": "2", "source": ..., "features": ..., "requires": ..., "matrix": ...}``.
The whole layout, version 2's optional parts and what a reader checks are in ``docs/format.md``;
version-1 files (no ``features``) still open.

The container is ``tokvec._safetensors`` (streamed to disk without a second copy, opened by
mapping it): opening reads only the header; tokens are decoded on first use. Tests check that
the official ``safetensors`` library reads our files. A file written from a Hugging Face model
records its ``tokenizer_dir``; opening it re-attaches that tokenizer while the directory exists.

Deliberately left out: compression (the file is mapped) and in-place edits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import _safetensors as st
from ..errors import FormatError
from ..vectors import Vectors
from ..vocab import INDEX_HASH, Vocab
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
    vectors, offsets = tensors["vectors"], tensors["vocab_offsets"]
    vocab = Vocab.from_packed(tensors["vocab_utf8"], offsets, tensors.get("counts"),
                              table=_stored_index(header, mmap), where=f"{path}: ")
    result = Vectors(vocab, vectors, norms=tensors["norms"], source=meta.get("source") or str(path),
                     metadata=dict(meta), check_duplicates=False)  # written unique; checking would cost an index build
    hf.attach_tokenizer(result)
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
    """Write ``vectors`` as ``.tokvec`` (atomically), optionally converting to float16/float32."""
    target_dtype = np.dtype(dtype or vectors.dtype).newbyteorder("<")
    if target_dtype not in (np.dtype("<f4"), np.dtype("<f2")):
        raise FormatError(f"a .tokvec file stores float32 or float16, not {dtype}")
    if target_dtype != vectors.dtype:
        vectors = vectors.astype(target_dtype.newbyteorder("="))  # range-checked; norms of the stored values
    n, dim = len(vectors), vectors.dim
    buffer, offsets = vectors.vocab.packed()
    step = max(1, (32 * 2**20) // max(1, dim * 4))
    rows = (np.ascontiguousarray(vectors.matrix[s : s + step], dtype=target_dtype).tobytes() for s in range(0, n, step))
    entries = [
        st.Entry("vectors", target_dtype, (n, dim), rows),
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
    for key in ("features", "requires", "matrix", "index.hash"):
        meta.pop(key, None)  # describe this file, not the one it came from
    present: list[str] = ["index"]
    meta["index.hash"] = INDEX_HASH
    meta.update({"format": NAME, "version": VERSION, "source": vectors.source or meta.get("source", ""),
                 "tokens": str(n), "dim": str(dim), "features": ",".join(present), "requires": "",
                 "matrix": "float16" if target_dtype == np.dtype("<f2") else "float32"})
    st.write(path, entries, meta)


FORMAT = Format(NAME, "tokvec's own file: safetensors, memory-mapped, any token", sniff, read, write,
                extensions=(EXTENSION,), aliases=("native", "safetensors"), mapped=True)
